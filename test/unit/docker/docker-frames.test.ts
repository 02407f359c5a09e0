import { PassThrough } from 'node:stream';

import { beforeEach, describe, expect, it, vi } from 'vitest';

import { DockerFrameReader, type DockerStreamPiece } from '@/lib/docker/log-decoder';

import { dockerFrame as frame } from '../../support/docker-frame';

/*
 * The framing shared by the log follow and exec (lib/docker/log-decoder.ts): payloads per stream, however
 * the chunks fall; and execInContainer reading its output through it.
 */

/** Feeds the bytes in pieces of `size`, and joins consecutive payloads of one stream. */
function read(reader: DockerFrameReader, bytes: Buffer, size: number): [string, string][] {
  const pieces: DockerStreamPiece[] = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    pieces.push(...reader.push(bytes.subarray(offset, offset + size)));
  const joined: [string, Buffer][] = [];
  for (const piece of pieces) {
    const last = joined.at(-1);
    if (last && last[0] === piece.stream) last[1] = Buffer.concat([last[1], piece.payload]);
    else joined.push([piece.stream, piece.payload]);
  }
  return joined.map(([stream, payload]) => [stream, payload.toString('utf8')]);
}

const interleaved = Buffer.concat([frame(1, 'out 1, '), frame(2, 'err ✓\n'), frame(1, 'out 2\n'), frame(3, 'daemon')]);
const expected = [
  ['stdout', 'out 1, '],
  ['stderr', 'err ✓\n'],
  ['stdout', 'out 2\n'],
  ['stderr', 'daemon'],
];

describe('DockerFrameReader', () => {
  it('gives each payload with its stream, stdout and stderr interleaved', () => {
    expect(read(new DockerFrameReader(false), interleaved, interleaved.length)).toEqual(expected);
  });

  it('gives the same payloads when frames and headers are split across chunks', () => {
    for (const size of [1, 3, 7, 8, 9, 13])
      expect(read(new DockerFrameReader(false), interleaved, size)).toEqual(expected);
  });

  it('holds an incomplete frame back, and says how much was left when the stream ends inside it', () => {
    const reader = new DockerFrameReader(false);
    expect(reader.push(frame(1, 'complete').subarray(0, 12))).toEqual([]);
    expect(reader.end()).toBe(12);
  });

  it('passes a TTY stream (no framing) through as stdout, even bytes that look like a header', () => {
    const bytes = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc\n')]);
    expect(read(new DockerFrameReader(true), bytes, 5)).toEqual([['stdout', bytes.toString('utf8')]]);
  });

  it('reads the rest as stdout text when the bytes turn out not to be frames', () => {
    expect(read(new DockerFrameReader(false), Buffer.from('plain text\n'), 4)).toEqual([['stdout', 'plain text\n']]);
  });
});

const exec = vi.hoisted(() => ({ output: Buffer.alloc(0), chunk: 5 }));

vi.mock('@/lib/config', () => ({
  getConfig: () => ({ docker: { kind: 'socket', socketPath: '/run/docker.sock', display: '/run/docker.sock' } }),
}));

vi.mock('@/lib/docker/client', () => ({
  dockerCalls: () => ({
    getContainer: () => ({
      exec: async () => ({
        start: async () => {
          const stream = new PassThrough();
          setImmediate(() => {
            for (let offset = 0; offset < exec.output.length; offset += exec.chunk)
              stream.write(exec.output.subarray(offset, offset + exec.chunk));
            stream.end();
          });
          return stream;
        },
        inspect: async () => ({ ExitCode: 0 }),
      }),
    }),
  }),
}));

const { execInContainer } = await import('@/lib/docker/exec');

describe('execInContainer output', () => {
  beforeEach(() => {
    exec.chunk = 5;
  });

  it('splits stdout from stderr across chunk boundaries, and streams stdout for progress', async () => {
    exec.output = Buffer.concat([frame(1, '12345\t/opt/'), frame(2, 'du: cannot read\n'), frame(1, 'mastodon ✓\n')]);
    const progress: string[] = [];
    const result = await execInContainer('abc', ['du', '-sk', '/opt/mastodon/public/system'], {
      onStdout: (text) => progress.push(text),
    });
    expect(result).toEqual({
      exitCode: 0,
      stdout: '12345\t/opt/mastodon ✓\n',
      stderr: 'du: cannot read\n',
      truncated: false,
    });
    expect(progress.join('')).toBe(result.stdout);
  });

  it('reads a daemon error frame (stream 3) as stderr and keeps reading the frames after it', async () => {
    exec.output = Buffer.concat([frame(3, 'exec: warning\n'), frame(1, 'after\n')]);
    const result = await execInContainer('abc', ['du', '-sk', '/opt/mastodon/public/system']);
    expect(result).toMatchObject({ stdout: 'after\n', stderr: 'exec: warning\n' });
  });
});
