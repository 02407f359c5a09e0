import { describe, expect, it } from 'vitest';

import { formatDuration, summarize } from '@/components/containers/format';
import type { ContainerView } from '@/lib/docker/types';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { formatFor } from '@/lib/i18n/format';
import { renderText } from '@/lib/i18n/text';

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
  it('speaks German with a German Format', () => {
    expect(formatDuration(86_400_000 * 2 + 3_600_000 * 5, formatFor('de'))).toBe('2 Tg. 5 Std.');
  });
});

describe('summarize', () => {
  const container = (state: ContainerView['state'], health: ContainerView['health']) =>
    ({ state, health }) as ContainerView;
  const english = (summary: ReturnType<typeof summarize>) => ({
    text: summary.parts.map((part) => inEnglish(part)).join(' · '),
    tone: summary.tone,
  });
  it('counts running, stopped and unhealthy, and marks trouble', () => {
    expect(
      english(
        summarize([container('running', 'healthy'), container('exited', 'none'), container('running', 'unhealthy')]),
      ),
    ).toEqual({
      text: '3 containers · 2 running · 1 stopped · 1 unhealthy',
      tone: 'bad',
    });
    expect(english(summarize([container('running', 'healthy')]))).toEqual({
      text: '1 container · 1 running',
      tone: 'good',
    });
  });
  it('says it in German', () => {
    const de = translatorFor('de');
    const summary = summarize([container('running', 'healthy'), container('exited', 'none')]);
    expect(summary.parts.map((part) => renderText(de, part)).join(' · ')).toBe('2 Container · 1 laufen · 1 gestoppt');
  });
});
