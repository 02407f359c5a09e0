import type { LogLine, LogStreamName } from './log-types';

/**
 * The one decoder of Docker's attach-style streams: container logs (lib/docker/logs.ts, the media
 * diagnosis's log evidence) and exec output (lib/docker/exec.ts). A container or exec without a TTY sends
 * frames (an 8-byte header: stream, three zero bytes, big-endian length; then the payload), and a chunk
 * may end anywhere, even inside a header. With a TTY the bytes are raw text, all of it "stdout".
 *
 * Ours rather than docker-modem's `demuxStream`, everywhere: demuxStream reads stream 3 (an error from
 * the daemon itself, Moby's stdcopy `Systemerr`) as "not multiplexed" and passes everything after it
 * through as stdout, frames and all; it needs two PassThrough streams per call; and the log follow needs
 * lines per stream with Docker's timestamps anyway. One framing loop (DockerFrameReader) serves both.
 *
 * DockerLogDecoder then splits lines per stream (a frame may hold several lines or part of one) on
 * bytes, so that a multi-byte character cut by a chunk boundary is decoded whole.
 */

const NEWLINE = 0x0a;
const HEADER_BYTES = 8;
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) /;

export interface DecoderOptions {
  /** A line longer than this is cut here (the rest follows as another line), so memory stays bounded. */
  maxLineBytes?: number;
  /** The time of lines without Docker's timestamp prefix. */
  now?: () => Date;
}

function isoWithNanos(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000000Z`;
}

/** Splits off Docker's `timestamps: true` prefix (RFC 3339, up to nanoseconds, trailing zeros dropped). */
export function splitTimestamp(line: string, now: () => Date = () => new Date()): Pick<LogLine, 'at' | 'ts' | 'text'> {
  const match = TIMESTAMP.exec(line);
  if (match) {
    const fraction = (match[2] ?? '').padEnd(9, '0');
    if (match[3] === 'Z') {
      return {
        at: `${match[1]}.${fraction.slice(0, 3)}Z`,
        ts: `${match[1]}.${fraction}Z`,
        text: line.slice(match[0].length),
      };
    }
    const date = new Date(`${match[1]}.${fraction.slice(0, 3)}${match[3]}`);
    if (!Number.isNaN(date.getTime())) {
      return {
        at: date.toISOString(),
        ts: `${date.toISOString().slice(0, 23)}${fraction.slice(3)}Z`,
        text: line.slice(match[0].length),
      };
    }
  }
  const date = now();
  return { at: date.toISOString(), ts: isoWithNanos(date), text: line };
}

/** Docker's `since` as "seconds.nanoseconds", one nanosecond after a line's time (Docker's since is inclusive). */
export function sinceAfter(ts: string): string | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z$/.exec(ts);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}Z`) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  const total = BigInt(seconds) * 1_000_000_000n + BigInt(match[2]!) + 1n;
  return `${total / 1_000_000_000n}.${(total % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export interface DockerStreamPiece {
  stream: LogStreamName;
  payload: Buffer;
}

/** Docker's stream framing only: payloads in order, each with its stream, however the chunks fall. */
export class DockerFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private raw: boolean;

  constructor(tty: boolean) {
    this.raw = tty;
  }

  push(chunk: Buffer): DockerStreamPiece[] {
    if (this.raw) return chunk.length === 0 ? [] : [{ stream: 'stdout', payload: chunk }];
    const pieces: DockerStreamPiece[] = [];
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const kind = buffer[offset]!;
      if (kind > 3 || buffer[offset + 1] !== 0 || buffer[offset + 2] !== 0 || buffer[offset + 3] !== 0) {
        // Not a frame header: the stream is not multiplexed after all. Read the rest as text.
        this.raw = true;
        this.pending = Buffer.alloc(0);
        pieces.push({ stream: 'stdout', payload: buffer.subarray(offset) });
        return pieces;
      }
      const length = buffer.readUInt32BE(offset + 4);
      if (buffer.length - offset - HEADER_BYTES < length) break;
      // 1 stdout, 2 stderr, 3 an error from the daemon itself (stdcopy's Systemerr); 0 (stdin) cannot occur.
      const payload = buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
      if (length > 0) pieces.push({ stream: kind === 1 || kind === 0 ? 'stdout' : 'stderr', payload });
      offset += HEADER_BYTES + length;
    }
    // Copied, so that a small remainder does not keep a large chunk alive.
    this.pending = Buffer.from(buffer.subarray(offset));
    return pieces;
  }

  /** Bytes of a frame that never completed (the stream ended inside it); the reader starts afresh. */
  end(): number {
    const left = this.pending.length;
    this.pending = Buffer.alloc(0);
    return left;
  }
}

export class DockerLogDecoder {
  private readonly frames: DockerFrameReader;
  private readonly partial = new Map<LogStreamName, Buffer>();
  private readonly cut = new Map<LogStreamName, LogLine>();
  private readonly maxLineBytes: number;
  private readonly now: () => Date;

  constructor(tty: boolean, options: DecoderOptions = {}) {
    this.frames = new DockerFrameReader(tty);
    this.maxLineBytes = options.maxLineBytes ?? 16 * 1024;
    this.now = options.now ?? (() => new Date());
  }

  push(chunk: Buffer): LogLine[] {
    const lines: LogLine[] = [];
    for (const { stream, payload } of this.frames.push(chunk)) this.take(stream, payload, lines);
    return lines;
  }

  /** The last lines that had no newline yet (the stream ended). */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const [stream, rest] of this.partial) {
      if (rest.length > 0) lines.push(this.line(stream, rest));
    }
    this.partial.clear();
    this.cut.clear();
    this.frames.end();
    return lines;
  }

  private take(stream: LogStreamName, payload: Buffer, out: LogLine[]): void {
    const before = this.partial.get(stream);
    let data = before && before.length > 0 ? Buffer.concat([before, payload]) : payload;
    let newline = data.indexOf(NEWLINE);
    while (newline !== -1) {
      out.push(this.line(stream, this.cutLong(stream, data.subarray(0, newline), out)));
      data = data.subarray(newline + 1);
      newline = data.indexOf(NEWLINE);
    }
    this.partial.set(stream, Buffer.from(this.cutLong(stream, data, out)));
  }

  /** Emits maxLineBytes pieces of a long line; returns the rest. */
  private cutLong(stream: LogStreamName, bytes: Buffer, out: LogLine[]): Buffer {
    let rest = bytes;
    while (rest.length > this.maxLineBytes) {
      const piece = this.line(stream, rest.subarray(0, this.maxLineBytes));
      out.push(piece);
      // The rest of a cut line carries no timestamp of its own; it keeps its first part's.
      this.cut.set(stream, piece);
      rest = rest.subarray(this.maxLineBytes);
    }
    return rest;
  }

  private line(stream: LogStreamName, bytes: Buffer): LogLine {
    const text = bytes.toString('utf8').replace(/\r$/, '');
    const cut = this.cut.get(stream);
    this.cut.delete(stream);
    if (cut && !TIMESTAMP.test(text)) return { at: cut.at, ts: cut.ts, stream, text };
    return { ...splitTimestamp(text, this.now), stream };
  }
}
