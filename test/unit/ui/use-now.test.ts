import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { RangePicker } from '@/components/metrics/range-picker';
import { useNow } from '@/components/ui/use-now';
import { withIntl } from '@/test/support/intl';

const inEnglish = (element: ReactElement) => withIntl(element, 'en');

function Clock({ tickMs }: { tickMs: number }) {
  return createElement('time', null, String(useNow(tickMs)));
}

describe('useNow: the wall clock as state, read without Date.now() in render', () => {
  afterEach(() => vi.useRealTimers());

  it('returns the time floored to the tick, so reads within one tick agree', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-03T18:07:38.184Z') });
    expect(renderToStaticMarkup(createElement(Clock, { tickMs: 60_000 }))).toBe(
      `<time>${Date.parse('2026-12-03T18:07:00.000Z')}</time>`,
    );
    vi.setSystemTime(Date.parse('2026-12-03T18:07:59.999Z'));
    expect(renderToStaticMarkup(createElement(Clock, { tickMs: 60_000 }))).toBe(
      `<time>${Date.parse('2026-12-03T18:07:00.000Z')}</time>`,
    );
    expect(renderToStaticMarkup(createElement(Clock, { tickMs: 5_000 }))).toBe(
      `<time>${Date.parse('2026-12-03T18:07:55.000Z')}</time>`,
    );
  });

  it('gives the range picker the last hour when no range is known yet', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-03T18:07:38.184Z') });
    const html = renderToStaticMarkup(inEnglish(createElement(RangePicker, { preset: 'custom' })));
    expect(html).toContain('name="from" value="2026-12-03T17:07"');
    expect(html).toContain('name="to" value="2026-12-03T18:07"');
  });

  it('shows a given range as it is', () => {
    const range = { fromMs: Date.parse('2026-01-02T03:04:00Z'), toMs: Date.parse('2026-01-02T05:06:00Z') };
    const html = renderToStaticMarkup(inEnglish(createElement(RangePicker, { preset: '1h', range })));
    expect(html).toContain('value="2026-01-02T03:04"');
    expect(html).toContain('value="2026-01-02T05:06"');
  });
});
