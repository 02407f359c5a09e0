import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { withIntl } from '@/test/support/intl';

import { Headline } from '@/components/metrics/headline';
import type { Locale } from '@/lib/i18n/locales';
import type { HeadlineView } from '@/lib/metrics/types';

const AT = Date.parse('2026-12-03T08:17:00Z');
const GIB = 1024 ** 3;

const view: HeadlineView = {
  source: { kind: 'influx', version: '1.8.10', language: 'influxql', database: 'telegraf' },
  ram: { value: 11.2, atMs: AT, trend: [], usedBytes: 3.6 * GIB, totalBytes: 32 * GIB },
  cpu: { value: 4.25, atMs: AT, trend: [] },
  load: { value: 0.7, atMs: AT, trend: [] },
  biggest: { value: 1.5 * GIB, atMs: AT, trend: [], service: 'web' },
  notices: [],
  refreshMs: 10_000,
};

function render(locale: Locale): string {
  return renderToStaticMarkup(
    withIntl(createElement(Headline, { initial: { ok: true, at: new Date(AT).toISOString(), data: view } }), locale),
  );
}

describe('the memory headline by language', () => {
  it('reads 11.2 % in English', () => {
    const html = render('en');
    expect(html).toContain('Memory and CPU');
    expect(html).toMatch(/data-testid="headline-ram"[^>]*>.*?<span class="headline-value">11\.2 %<\/span>/);
    expect(html).toContain('3.6 GiB of 32.0 GiB');
  });

  it('reads 11,2 % in German, with German labels', () => {
    const html = render('de');
    expect(html).toContain('Speicher und CPU');
    expect(html).toMatch(/data-testid="headline-ram"[^>]*>.*?<span class="headline-value">11,2 %<\/span>/);
    expect(html).toContain('3,6 GiB von 32,0 GiB');
    expect(html).toContain('RAM belegt');
    expect(html).toContain('0,70');
  });
});
