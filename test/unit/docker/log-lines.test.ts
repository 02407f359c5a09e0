import { describe, expect, it } from 'vitest';

import { appendLogLines, filterLogLines, formatLogText, type LogLine } from '@/lib/docker/log-types';

function line(n: number, text = `line ${n}`, stream: LogLine['stream'] = 'stdout'): LogLine {
  const ns = String(n).padStart(9, '0');
  return { at: `2026-11-26T17:00:00.${ns.slice(0, 3)}Z`, ts: `2026-11-26T17:00:00.${ns}Z`, stream, text };
}

describe('filterLogLines', () => {
  const lines = [
    line(1, 'GET /health status=200'),
    line(2, 'Errno::EACCES (Permission denied)'),
    line(3, 'errno elsewhere'),
  ];

  it('keeps every line for an empty filter', () => {
    expect(filterLogLines(lines, '')).toEqual(lines);
  });

  it('matches a plain substring, ignoring case, with no pattern syntax', () => {
    expect(filterLogLines(lines, 'ERRNO').map((l) => l.text)).toEqual([
      'Errno::EACCES (Permission denied)',
      'errno elsewhere',
    ]);
    expect(filterLogLines(lines, '(permission')).toHaveLength(1);
    expect(filterLogLines(lines, '.*')).toEqual([]);
  });
});

describe('formatLogText', () => {
  it('writes one line per log line: time, stream, text', () => {
    expect(formatLogText([line(1, 'a'), line(2, 'b', 'stderr')])).toBe(
      '2026-11-26T17:00:00.000Z stdout a\n2026-11-26T17:00:00.000Z stderr b\n',
    );
  });
});

describe('appendLogLines', () => {
  it('drops lines already shown when a follow starts with the tail the page rendered', () => {
    const shown = [line(1), line(2), line(3)];
    const merged = appendLogLines(shown, [line(2), line(3), line(4), line(5)], 100);
    expect(merged.map((l) => l.text)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
  });

  it('drops lines older than the oldest shown (they would land out of order)', () => {
    expect(appendLogLines([line(5), line(6)], [line(1), line(6), line(7)], 100).map((l) => l.text)).toEqual([
      'line 5',
      'line 6',
      'line 7',
    ]);
  });

  it('keeps two different lines with the same time, and the same text at different times', () => {
    const same = { ...line(4), text: 'other text' };
    const merged = appendLogLines([line(1, 'x'), line(4)], [same, line(5, 'x')], 100);
    expect(merged.map((l) => l.text)).toEqual(['x', 'line 4', 'other text', 'x']);
  });

  it('keeps only the newest `cap` lines', () => {
    const many = Array.from({ length: 10 }, (_, i) => line(i + 1));
    expect(appendLogLines(many.slice(0, 4), many.slice(4), 5).map((l) => l.text)).toEqual([
      'line 6',
      'line 7',
      'line 8',
      'line 9',
      'line 10',
    ]);
  });
});
