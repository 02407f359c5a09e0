import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { auditEvent, auditStart } from '@/lib/audit';
import { withIntl } from '@/test/support/intl';

import { useTempStore } from './store';

const guard = vi.hoisted(() => ({
  requireSession: vi.fn(),
  requireRouteSession: vi.fn(),
}));
vi.mock('@/lib/auth/guard', () => guard);
vi.mock('next-intl/server', async () => (await import('@/test/support/intl-server')).intlServer('en'));

const { default: AuditPage } = await import('@/app/audit/page');
const { GET } = await import('@/app/audit/export/route');

const session = { username: 'admin', sessionRef: 'ab12cd34ef', authenticatedAt: 0 };

async function render(query: Record<string, string | string[]>): Promise<string> {
  return renderToStaticMarkup(withIntl(await AuditPage({ searchParams: Promise.resolve(query) })));
}

let temp: ReturnType<typeof useTempStore>;
beforeEach(() => {
  temp = useTempStore('boot-a');
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  guard.requireSession.mockResolvedValue(session);
  guard.requireRouteSession.mockResolvedValue(session);
});
afterEach(() => {
  vi.restoreAllMocks();
  guard.requireSession.mockReset();
  guard.requireRouteSession.mockReset();
  temp.cleanup();
});

describe('the audit page', () => {
  it('asks for the session before it reads anything', async () => {
    guard.requireSession.mockRejectedValue(new Error('NEXT_REDIRECT'));
    await expect(render({})).rejects.toThrow('NEXT_REDIRECT');
  });

  it('lists records newest first with their outcome in words', async () => {
    const login = auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    const restart = auditEvent({
      actor: 'admin',
      action: 'container.restarted',
      target: 'web',
      outcome: 'failed',
      error: 'Docker is down',
    });
    const create = auditStart({ actor: 'admin', action: 'account.created', target: 'alice' });
    const html = await render({});
    expect(guard.requireSession).toHaveBeenCalledTimes(1);
    const at = (id: number) => html.indexOf(`id="audit-${id}"`);
    expect(at(create)).toBeGreaterThan(0);
    expect(at(create)).toBeLessThan(at(restart));
    expect(at(restart)).toBeLessThan(at(login));
    expect(html).toContain('3 records');
    expect(html).toContain('Running');
    expect(html).toContain('Docker is down');
    expect(html).toContain('href="/audit/export"');
    expect(html).not.toContain('Load older');
  });

  it('keeps the filter in the form, the export link and "Load older"', async () => {
    for (let i = 0; i < 105; i++) auditEvent({ actor: 'eve', action: 'auth.login_failed', outcome: 'failed' });
    auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    const html = await render({ action: 'auth.login_failed', outcome: 'failed' });
    expect(html).toContain('100 records matching the filter');
    expect(html).toContain('<option value="auth.login_failed" selected="">');
    expect(html).toContain('href="/audit/export?action=auth.login_failed&amp;outcome=failed"');
    expect(html).toMatch(/href="\/audit\?action=auth.login_failed&amp;outcome=failed&amp;beforeId=6"/);
    const older = await render({ action: 'auth.login_failed', outcome: 'failed', beforeId: '6' });
    expect(older).toContain('5 records matching the filter, older than #6');
    expect(older).toContain('Newest records');
    expect(older).not.toContain('Load older');
  });

  it('explains an unknown filter value instead of crashing', async () => {
    const html = await render({ action: 'container.deleted', outcome: 'maybe' });
    expect(html).toContain('This filter cannot be used');
    expect(html).toContain('Unknown action &quot;container.deleted&quot;');
    expect(html).toContain('Unknown outcome &quot;maybe&quot;');
    expect(html).toContain('Show the whole audit log');
  });

  it('shows why when the log cannot be read', async () => {
    temp.db.close();
    const html = await render({});
    expect(html).toContain('The audit log cannot be read');
    expect(html).toContain('The store is closed.');
  });
});

describe('the CSV export', () => {
  it('returns the guard’s response as is when there is no session', async () => {
    guard.requireRouteSession.mockResolvedValue(new Response('no', { status: 401 }));
    const response = await GET(new Request('http://localhost:3001/audit/export'));
    expect(response.status).toBe(401);
  });

  it('sends the filtered records as a CSV attachment', async () => {
    auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    auditEvent({ actor: 'eve', action: 'auth.login_failed', outcome: 'failed' });
    const response = await GET(new Request('http://localhost:3001/audit/export?action=auth.login_failed'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toMatch(
      /^attachment; filename="mastodash-audit-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('auth.login_failed');
  });

  it('refuses an unknown filter value with 400', async () => {
    const response = await GET(new Request('http://localhost:3001/audit/export?outcome=maybe'));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Unknown outcome "maybe"');
  });
});
