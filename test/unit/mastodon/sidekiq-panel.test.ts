import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import type { Locale } from '@/lib/i18n/locales';
import { withIntl } from '@/test/support/intl';

import { ageText, formatLatency, isSlow } from '@/components/vitals/sidekiq-format';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { formatFor } from '@/lib/i18n/format';
import { renderText, text } from '@/lib/i18n/text';
import { SidekiqPanel } from '@/components/vitals/sidekiq-panel';
import { healthcheckLine } from '@/lib/mastodon/sidekiq-health-check';
import type { PanelResult } from '@/lib/panels/panel';
import type { SidekiqPanelData } from '@/lib/panels/sidekiq';

describe('sidekiq formatting', () => {
  it.each<[number | null, string]>([
    [null, '—'],
    [0, '0.0 s'],
    [0.375, '0.4 s'],
    [9.94, '9.9 s'],
    [42.7, '42 s'],
    [95, '1 min 35 s'],
    [3723.5, '1 h 2 min'],
    [2 * 86_400 + 3_600 * 5, '2 d 5 h'],
  ])('latency %s → %s', (seconds, text) => {
    expect(formatLatency(seconds)).toBe(text);
  });

  it('flags a latency over a minute, not at it', () => {
    expect(isSlow(60)).toBe(false);
    expect(isSlow(60.5)).toBe(true);
    expect(isSlow(null)).toBe(false);
  });

  it('says heartbeat ages in words', () => {
    const en = formatFor('en');
    expect(inEnglish(ageText(0.2, en))).toBe('just now');
    expect(inEnglish(ageText(12.4, en))).toBe('12 s ago');
    expect(inEnglish(ageText(undefined, en))).toBe('unknown');
    const de = formatFor('de');
    const german = translatorFor('de');
    expect(renderText(german, ageText(0.2, de))).toBe('gerade eben');
    expect(renderText(german, ageText(3 * 3600 + 120, de))).toBe('vor 3 Std. 2 Min.');
    expect(renderText(german, ageText(undefined, de))).toBe('unbekannt');
  });

  it("writes latencies with the reader's decimal separator", () => {
    expect(formatLatency(0.375, formatFor('de'))).toBe('0,4 s');
    expect(formatLatency(95, formatFor('de'))).toBe('1 Min. 35 s');
  });
});

const DATA: SidekiqPanelData = {
  version: {
    version: { major: 4, minor: 5, patch: 0, patchKnown: true, text: '4.5.0' },
    source: 'the image tag ghcr.io/mastodon/mastodon:v4.5.0',
    from: text('vitals.version.imageTag', { image: 'ghcr.io/mastodon/mastodon:v4.5.0' }),
  },
  report: {
    redis: 'redis:6379/0',
    prefix: '',
    namespace: { mode: 'none' },
    readAtMs: 1_795_713_635_383,
    queues: [
      { name: 'default', size: 5, latencySeconds: 42.2, enqueuedAtFormat: 'milliseconds', required: true },
      { name: 'ingress', size: 1234, latencySeconds: 95, enqueuedAtFormat: 'milliseconds', required: true },
      { name: 'pull', size: 0, latencySeconds: null, required: true },
      { name: 'custom', size: 1, latencySeconds: null, problem: 'the oldest job is not JSON', required: false },
    ],
    enqueued: 1240,
    stats: { processed: 1_234_567, failed: 321, day: '2026-11-26', processedToday: 4321, failedToday: 12 },
    sets: { retry: 3, scheduled: 2, dead: 1 },
    processes: [
      {
        identity: 'abc:7:0a',
        hostname: 'abc',
        pid: 7,
        version: '8.0.9',
        queues: ['default', 'ingress'],
        concurrency: 25,
        busy: 2,
        beatAgeSeconds: 3.4,
        quiet: false,
      },
    ],
    goneProcesses: 0,
    requiredQueues: ['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress', 'fasp'],
    missingQueues: ['push', 'mailers', 'pull', 'scheduler', 'fasp'],
    warnings: [{ code: 'missing_queues', tone: 'warn', message: 'No Sidekiq process works the push, mailers queues.' }],
  },
  healthChecks: [
    {
      kind: 'stale_check',
      certainty: 'confirmed',
      service: 'sidekiq',
      containers: ['m-sidekiq-1'],
      imageSidekiqMajor: 8,
      checkSidekiqMajor: 6,
      heartbeatAgeSeconds: 3.4,
      heartbeatFromContainer: false,
      lastProbe: { exitCode: 1, output: '' },
      message: text('vitals.sidekiqCheck.fails', {
        service: 'sidekiq',
        alive: text('vitals.sidekiqCheck.alive'),
        probe: text('vitals.sidekiqCheck.probe.none'),
      }),
      fix: { line: healthcheckLine(8), agnosticLine: healthcheckLine('any'), apply: 'docker compose up -d sidekiq' },
    },
  ],
};

function render(initial: PanelResult<SidekiqPanelData>, locale: Locale = 'en'): string {
  return renderToStaticMarkup(withIntl(createElement(SidekiqPanel, { initial }), locale));
}

/** The element carrying a data-testid, as markup (static markup has no nesting surprises for these leaves). */
function tagOf(html: string, testId: string): string {
  const match = new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element with data-testid="${testId}"`);
  return match[0];
}

describe('SidekiqPanel (server render)', () => {
  const html = render({ ok: true, data: DATA, at: '2026-11-26T17:20:35.383Z' });

  it('shows each queue with its size and a human latency, and highlights the slow one', () => {
    expect(tagOf(html, 'sidekiq-queue-default')).toContain('data-slow="false"');
    expect(tagOf(html, 'sidekiq-queue-ingress')).toContain('data-slow="true"');
    expect(tagOf(html, 'sidekiq-queue-ingress')).toContain('data-latency="95"');
    expect(html).toContain('1 min 35 s');
    expect(html).toContain('over 1 min');
    expect(html).toContain('1,234');
    expect(tagOf(html, 'sidekiq-queue-pull')).toContain('data-latency=""');
    expect(html).toContain('the oldest job is not JSON');
  });

  it('shows totals, today and the sets', () => {
    expect(tagOf(html, 'sidekiq-processed-today')).toContain('data-value="4321"');
    expect(tagOf(html, 'sidekiq-processed-today')).toContain('data-total="1234567"');
    expect(html).toContain('1,234,567 in total');
    expect(tagOf(html, 'sidekiq-dead')).toContain('data-value="1"');
    expect(html).toContain('2026-11-26 (UTC)');
  });

  it('shows processes as busy / concurrency with the heartbeat age', () => {
    expect(tagOf(html, 'sidekiq-process')).toContain('data-busy="2"');
    expect(html).toMatch(/2 \/ 25/);
    expect(html).toContain('3 s ago');
    expect(html).toContain('Sidekiq 8.0.9');
  });

  it('shows the stale check with the corrected lines to copy', () => {
    expect(tagOf(html, 'sidekiq-healthcheck')).toContain('data-kind="stale_check"');
    // React escapes quotes in text; the copied text is the attribute-free string itself.
    expect(html).toContain('ps aux | grep &#x27;[s]idekiq\\ 8&#x27; || false');
    expect(html).toContain('[s]idekiq\\ [0-9]');
    expect(html).toContain('docker compose up -d sidekiq');
    expect(tagOf(html, 'sidekiq-healthcheck-line-copy')).toContain('<button');
    expect(tagOf(html, 'sidekiq-warning')).toContain('data-code="missing_queues"');
  });

  it('shows the failure, and nothing stale, when the panel failed', () => {
    const failed = render({
      ok: false,
      error: {
        code: 'redis_unreachable',
        title: "Mastodon's Sidekiq's Redis is down",
        detail: 'redis:6379/0: connect ECONNREFUSED',
        fix: 'Start the redis container',
      },
      at: '',
    });
    expect(tagOf(failed, 'sidekiq-error')).toContain('data-code="redis_unreachable"');
    expect(failed).toContain('Fix: Start the redis container');
    expect(failed).not.toContain('sidekiq-queues');
  });

  it('reads in German: Warteschlangen, Prozesse, decimal separators', () => {
    const german = render({ ok: true, data: DATA, at: '2026-11-26T17:20:35.383Z' }, 'de');
    expect(german).toContain('Warteschlangen');
    expect(german).toContain('Prozesse');
    expect(german).toContain('1.234.567 insgesamt');
    expect(german).toContain('1 Min. 35 s');
    expect(german).toContain('über 1 Min.');
    expect(german).toContain('vor 3 s');
    expect(german).not.toContain('Processed today');
    // Where the version was read, in German; the data attribute keeps the English source.
    expect(german).toContain('aus Image-Tag ghcr.io/mastodon/mastodon:v4.5.0');
    expect(german).toContain('data-source="the image tag ghcr.io/mastodon/mastodon:v4.5.0"');
  });
});
