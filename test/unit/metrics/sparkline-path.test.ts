import { describe, expect, it } from 'vitest';

import { sparklinePath } from '@/components/metrics/sparkline-path';

describe('sparklinePath', () => {
  it('scales time across the width and the data range across the height, top is the maximum', () => {
    expect(
      sparklinePath(
        [
          [0, 10],
          [50, 20],
          [100, 0],
        ],
        104,
        24,
      ),
    ).toBe('M2,12L52,2L102,22');
  });

  it('starts a new segment after a gap, and keeps a lone value visible', () => {
    const path = sparklinePath(
      [
        [0, 1],
        [10, 2],
        [20, null],
        [30, 3],
        [40, null],
        [50, 1],
        [60, 2],
      ],
      64,
      24,
    );
    expect(path.match(/M/g)).toHaveLength(3);
    expect(path).toContain('h0.01');
    expect(path.startsWith('M2,22L')).toBe(true);
  });

  it('draws a flat series in the middle, and nothing without values', () => {
    expect(
      sparklinePath(
        [
          [0, 5],
          [10, 5],
        ],
        24,
        20,
      ),
    ).toBe('M2,10L22,10');
    expect(
      sparklinePath(
        [
          [0, null],
          [10, null],
        ],
        24,
        20,
      ),
    ).toBe('');
  });
});
