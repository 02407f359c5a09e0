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
    if (!result.ok) expect(result.problems.join(' ')).toMatch(message);
  });

  it('reports every problem at once', () => {
    const result = parseAuditQuery({ action: 'x', outcome: 'y' });
    expect(result).toEqual({
      ok: false,
      problems: [expect.stringMatching(/action/), expect.stringMatching(/outcome/)],
    });
  });
});
