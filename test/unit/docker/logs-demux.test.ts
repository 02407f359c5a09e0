import { describe, expect, it } from 'vitest';

import { DockerLogDecoder, sinceAfter, splitTimestamp } from '@/lib/docker/log-decoder';
import type { LogLine } from '@/lib/docker/log-types';

import { dockerFrame as frame } from '../../support/docker-frame';

/** Feeds the bytes in pieces of the given sizes (the last piece takes the rest). */
function feed(decoder: DockerLogDecoder, bytes: Buffer, sizes: number[]): LogLine[] {
  const lines: LogLine[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    lines.push(...decoder.push(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  if (offset < bytes.length) lines.push(...decoder.push(bytes.subarray(offset)));
  return [...lines, ...decoder.end()];
}

const T1 = '2026-11-26T17:14:46.281843820Z';
const T2 = '2026-11-26T17:14:46.2819365Z';
const T3 = '2026-11-26T17:14:48Z';
const EACCES = '[68d5] Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):';

const multiplexed = Buffer.concat([
  frame(1, `${T1} [11049f8b] method=GET path=/health status=200\n`),
  frame(2, `${T2} ${EACCES}\n`),
  frame(1, `${T3} Grüße aus dem Log ✓\n`),
]);

const expected: Pick<LogLine, 'ts' | 'at' | 'stream' | 'text'>[] = [
  {
    ts: '2026-11-26T17:14:46.281843820Z',
    at: '2026-11-26T17:14:46.281Z',
    stream: 'stdout',
    text: '[11049f8b] method=GET path=/health status=200',
  },
  { ts: '2026-11-26T17:14:46.281936500Z', at: '2026-11-26T17:14:46.281Z', stream: 'stderr', text: EACCES },
  {
    ts: '2026-11-26T17:14:48.000000000Z',
    at: '2026-11-26T17:14:48.000Z',
    stream: 'stdout',
    text: 'Grüße aus dem Log ✓',
  },
];

describe('DockerLogDecoder, multiplexed (no TTY)', () => {
  it('splits frames into lines per stream, with Docker’s timestamps normalised to nine digits', () => {
    expect(feed(new DockerLogDecoder(false), multiplexed, [multiplexed.length])).toEqual(expected);
  });

  it('gives the same lines however chunks fall: inside a header, a payload, a UTF-8 character', () => {
    const umlaut = multiplexed.indexOf(Buffer.from('ü'));
    const splits = [[3], [8], [9], [20, 40, 5], [umlaut + 1], [multiplexed.length - 2]];
    for (const sizes of splits) expect(feed(new DockerLogDecoder(false), multiplexed, sizes)).toEqual(expected);
  });

  it('survives being fed one byte at a time', () => {
    expect(feed(new DockerLogDecoder(false), multiplexed, new Array<number>(multiplexed.length).fill(1))).toEqual(
      expected,
    );
  });

  it('joins a line split over several frames, and splits a frame holding several lines', () => {
    const bytes = Buffer.concat([frame(1, `${T1} first half, `), frame(1, `second half\n${T3} next\n`)]);
    const lines = feed(new DockerLogDecoder(false), bytes, [bytes.length]);
    expect(lines.map((l) => l.text)).toEqual(['first half, second half', 'next']);
  });

  it('keeps stdout and stderr partial lines apart when their frames interleave', () => {
    const bytes = Buffer.concat([
      frame(1, `${T1} out-a`),
      frame(2, `${T2} err-a`),
      frame(1, ' out-b\n'),
      frame(2, ' err-b\n'),
    ]);
    const lines = feed(new DockerLogDecoder(false), bytes, [5, 17]);
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'out-a out-b'],
      ['stderr', 'err-a err-b'],
    ]);
  });

  it('reads stream 3 (an error from the daemon) as stderr', () => {
    const lines = feed(new DockerLogDecoder(false), frame(3, 'error from daemon: log file unreadable\n'), [100]);
    expect(lines).toMatchObject([{ stream: 'stderr', text: 'error from daemon: log file unreadable' }]);
  });

  it('returns a last line without a newline when the stream ends, and nothing before', () => {
    const decoder = new DockerLogDecoder(false);
    expect(decoder.push(frame(1, `${T1} no newline yet`))).toEqual([]);
    expect(decoder.end()).toMatchObject([{ text: 'no newline yet', stream: 'stdout' }]);
    expect(decoder.end()).toEqual([]);
  });

  it('cuts an endless line at maxLineBytes, so memory stays bounded', () => {
    const decoder = new DockerLogDecoder(false, { maxLineBytes: 64 });
    const lines = [...decoder.push(frame(1, `${T1} ${'x'.repeat(150)}`)), ...decoder.push(frame(1, 'tail\n'))];
    expect(lines.map((l) => l.text.length)).toEqual([64 - T1.length - 1, 64, 150 - 64 - (64 - T1.length - 1) + 4]);
    expect(lines.map((l) => l.text).join('')).toBe(`${'x'.repeat(150)}tail`);
    expect(new Set(lines.map((l) => l.ts))).toEqual(new Set([T1.replace('Z', '').padEnd(29, '0') + 'Z']));
  });

  it('cuts a long line that arrives whole in one frame too', () => {
    const decoder = new DockerLogDecoder(false, { maxLineBytes: 64 });
    const lines = [
      ...decoder.push(frame(1, `${T1} ${'y'.repeat(40)}`)),
      ...decoder.push(frame(1, `${'z'.repeat(100)}\n${T3} short\n`)),
    ];
    expect(lines.every((l) => Buffer.byteLength(l.text) <= 64)).toBe(true);
    expect(
      lines
        .slice(0, -1)
        .map((l) => l.text)
        .join(''),
    ).toBe(`${'y'.repeat(40)}${'z'.repeat(100)}`);
    expect(lines.at(-1)).toMatchObject({ text: 'short', ts: '2026-11-26T17:14:48.000000000Z' });
  });

  it('reads the rest as text when the bytes are not frames after all', () => {
    const decoder = new DockerLogDecoder(false);
    const lines = [...decoder.push(Buffer.from(`${T1} plain text, not a frame\n`)), ...decoder.end()];
    expect(lines).toMatchObject([{ stream: 'stdout', text: 'plain text, not a frame', ts: T1 }]);
  });
});

describe('DockerLogDecoder, TTY', () => {
  it('reads raw text as stdout lines, dropping the carriage return of \\r\\n', () => {
    const bytes = Buffer.from(`${T1} Puma starting in single mode...\r\n${T3} * Listening on http://0.0.0.0:3000\r\n`);
    const lines = feed(new DockerLogDecoder(true), bytes, [10, 30]);
    expect(lines).toEqual([
      { ts: T1, at: '2026-11-26T17:14:46.281Z', stream: 'stdout', text: 'Puma starting in single mode...' },
      {
        ts: '2026-11-26T17:14:48.000000000Z',
        at: '2026-11-26T17:14:48.000Z',
        stream: 'stdout',
        text: '* Listening on http://0.0.0.0:3000',
      },
    ]);
  });

  it('does not mistake bytes that look like a frame header for one', () => {
    const bytes = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc\n')]);
    const [line] = feed(new DockerLogDecoder(true), bytes, [bytes.length]);
    expect(line?.text).toBe('\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0003abc');
  });
});

describe('splitTimestamp and sinceAfter', () => {
  it('takes a line without a timestamp as it is, at the time given', () => {
    const now = () => new Date('2026-01-02T03:04:05.678Z');
    expect(splitTimestamp('no timestamp here', now)).toEqual({
      at: '2026-01-02T03:04:05.678Z',
      ts: '2026-01-02T03:04:05.678000000Z',
      text: 'no timestamp here',
    });
  });

  it('converts an offset to UTC', () => {
    expect(splitTimestamp('2026-11-26T18:14:46.5+01:00 x')).toEqual({
      at: '2026-11-26T17:14:46.500Z',
      ts: '2026-11-26T17:14:46.500000000Z',
      text: 'x',
    });
  });

  it('orders normalised timestamps as strings the way time orders them (Docker trims trailing zeros)', () => {
    const a = splitTimestamp(`2026-11-26T17:14:42.27Z a`).ts;
    const b = splitTimestamp(`2026-11-26T17:14:42.2739Z b`).ts;
    expect(a < b).toBe(true);
  });

  it('gives Docker’s since as seconds.nanoseconds, one nanosecond after the line', () => {
    expect(sinceAfter('2026-11-26T17:14:46.281843820Z')).toBe(`${Date.parse('2026-11-26T17:14:46Z') / 1000}.281843821`);
    expect(sinceAfter('2026-11-26T17:14:46.999999999Z')).toBe(`${Date.parse('2026-11-26T17:14:47Z') / 1000}.000000000`);
    expect(sinceAfter('not a time')).toBeUndefined();
  });
});
