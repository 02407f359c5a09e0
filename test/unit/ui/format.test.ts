import { describe, expect, it } from 'vitest';

import { formatDuration, summarize } from '@/components/containers/format';
import type { ContainerView } from '@/lib/docker/types';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [61_000, '1 min 1 s'],
    [3_600_000 * 3 + 60_000 * 12, '3 h 12 min'],
    [86_400_000 * 2 + 3_600_000 * 5 + 1_000, '2 d 5 h'],
    [-5_000, '0 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('summarize', () => {
  const container = (state: ContainerView['state'], health: ContainerView['health']) =>
    ({ state, health }) as ContainerView;
  it('counts running, stopped and unhealthy, and marks trouble', () => {
    expect(
      summarize([container('running', 'healthy'), container('exited', 'none'), container('running', 'unhealthy')]),
    ).toEqual({
      text: '3 containers · 2 running · 1 stopped · 1 unhealthy',
      tone: 'bad',
    });
    expect(summarize([container('running', 'healthy')])).toEqual({ text: '1 container · 1 running', tone: 'good' });
  });
});
