import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { AuditTable } from '@/components/audit/audit-table';
import { auditHref, formatAuditTime, formatDurationMs, outcomeDisplay, paramEntries } from '@/components/audit/format';
import type { AuditRecordView } from '@/lib/audit';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { formatFor } from '@/lib/i18n/format';
import { renderText } from '@/lib/i18n/text';
import { withIntl } from '@/test/support/intl';

describe('outcomeDisplay', () => {
  it.each([
    [{ outcome: 'started', running: true }, 'Running', 'warn'],
    [{ outcome: 'started', running: false }, 'Interrupted', 'bad'],
    [{ outcome: 'succeeded', running: false }, 'Succeeded', 'good'],
    [{ outcome: 'failed', running: false }, 'Failed', 'bad'],
    [{ outcome: 'refused', running: false }, 'Refused', 'warn'],
    [{ outcome: 'interrupted', running: false }, 'Interrupted', 'bad'],
  ] as const)('%j → %s', (record, word, tone) => {
    const shown = outcomeDisplay(record);
    expect({ word: inEnglish(shown.word), tone: shown.tone }).toEqual({ word, tone });
    expect(renderText(translatorFor('de'), shown.word)).not.toBe(word);
  });
});

describe('formatting', () => {
  it('shows times in UTC, durations in human units, parameters compactly', () => {
    expect(formatAuditTime('2025-03-04T05:06:07.890Z')).toBe('2025-03-04 05:06:07 UTC');
    expect(formatDurationMs(null)).toBe('—');
    expect(formatDurationMs(340)).toBe('340 ms');
    expect(formatDurationMs(12_345)).toBe('12.3 s');
    expect(formatDurationMs(125_000)).toBe('2 min 5 s');
    expect(formatDurationMs(12_345, formatFor('de'))).toBe('12,3 s');
    expect(formatDurationMs(125_000, formatFor('de'))).toBe('2 Min. 5 s');
    expect(paramEntries({ container: 'web', n: 3, list: ['a'], nested: { a: null } })).toEqual([
      ['container', 'web'],
      ['n', '3'],
      ['list', '["a"]'],
      ['nested', '{"a":null}'],
    ]);
  });

  it('builds links that keep the filter in the URL', () => {
    expect(auditHref({})).toBe('/audit');
    expect(auditHref({ action: 'auth.login', outcome: 'failed', beforeId: 12 })).toBe(
      '/audit?action=auth.login&outcome=failed&beforeId=12',
    );
    expect(auditHref({ outcome: 'refused' }, '/audit/export')).toBe('/audit/export?outcome=refused');
  });
});

describe('AuditTable', () => {
  const base: AuditRecordView = {
    id: 1,
    startedAt: '2025-03-04T05:06:07.000Z',
    actor: 'admin',
    session: 'ab12cd34ef',
    action: 'container.restarted',
    target: 'mastodon-web-1',
    params: { container: 'mastodon-web-1' },
    outcome: 'succeeded',
    running: false,
    error: null,
    durationMs: 1500,
    finishedAt: '2025-03-04T05:06:08.500Z',
    count: 1,
  };

  it('shows outcomes as words, and marks failed and interrupted rows', () => {
    const html = renderToStaticMarkup(
      withIntl(
        createElement(AuditTable, {
          records: [
            {
              ...base,
              id: 3,
              outcome: 'interrupted',
              error: 'The dashboard stopped while this ran (crash, kill or restart).',
              durationMs: null,
            },
            { ...base, id: 2, outcome: 'failed', error: 'Docker is down' },
            base,
          ],
        }),
      ),
    );
    expect(html).toContain('Container restarted');
    expect(html).toContain('session ab12cd34ef');
    expect(html).toMatch(/id="audit-3" class="audit-row audit-row-trouble"/);
    expect(html).toMatch(/id="audit-2" class="audit-row audit-row-trouble"/);
    expect(html).toMatch(/id="audit-1" class="audit-row"/);
    expect(html).toContain('Interrupted');
    expect(html).toContain('Failed');
    expect(html).toContain('Docker is down');
    expect(html).toContain('1.5 s');
  });

  it('speaks German: action labels, outcomes, column labels and the decimal comma', () => {
    const html = renderToStaticMarkup(
      withIntl(createElement(AuditTable, { records: [{ ...base, id: 2, outcome: 'failed' }, base] }), 'de'),
    );
    expect(html).toContain('Container neu gestartet');
    expect(html).toContain('<span class="mono muted audit-code">container.restarted</span>');
    expect(html).toContain('Fehlgeschlagen');
    expect(html).toContain('Erfolgreich');
    expect(html).toContain('Sitzung ab12cd34ef');
    expect(html).toContain('data-label="Ergebnis"');
    expect(html).toContain('1,5 s');
  });
});
