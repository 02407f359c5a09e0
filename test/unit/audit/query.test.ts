import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { describe, expect, it } from 'vitest';

import { parseAuditQuery } from '@/lib/audit';

describe('parseAuditQuery', () => {
  it.each([
    [{}, {}],
    [{ action: '', outcome: '' }, {}],
    [
      { action: 'auth.login', outcome: 'failed', beforeId: '42' },
      { action: 'auth.login', outcome: 'failed', beforeId: 42 },
    ],
    [{ action: ['container.restarted'], unrelated: 'x' }, { action: 'container.restarted' }],
    [new URLSearchParams('action=account.created&outcome=&beforeId=7'), { action: 'account.created', beforeId: 7 }],
  ])('accepts %j', (query, filter) => {
    expect(parseAuditQuery(query)).toEqual({ ok: true, filter });
  });

  it.each([
    [{ action: 'container.deleted' }, /Unknown action "container.deleted"/],
    [{ outcome: 'started!' }, /Unknown outcome "started!"/],
    [{ action: ['auth.login', 'auth.logout'] }, /Give "action" only once/],
    [new URLSearchParams('outcome=failed&outcome=refused'), /Give "outcome" only once/],
    [{ beforeId: '0' }, /beforeId/],
    [{ beforeId: '-3' }, /beforeId/],
    [{ beforeId: '1e9' }, /beforeId/],
    [{ beforeId: '9'.repeat(30) }, /beforeId/],
  ])('refuses %j with a clear message', (query, message) => {
    const result = parseAuditQuery(query);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map(inEnglish).join(' ')).toMatch(message);
  });

  it('reports every problem at once', () => {
    const result = parseAuditQuery({ action: 'x', outcome: 'y' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(inEnglish)).toEqual([
      'Unknown action "x". Choose one from the list.',
      'Unknown outcome "y". Choose one from the list.',
    ]);
    expect(result.problems.map((problem) => renderText(translatorFor('de'), problem))).toEqual([
      'Unbekannte Aktion "x". Wähle eine aus der Liste.',
      'Unbekanntes Ergebnis "y". Wähle eines aus der Liste.',
    ]);
  });
});
