import { randomBytes } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { flushRepeatedLines } from '@/lib/audit';
import { LOCKOUT_POLICY, checkLoginGate, unlockLogins } from '@/lib/auth/lockout';
import { createLoginLink } from '@/lib/auth/login-links';
import { loginWithLink, loginWithPassword } from '@/lib/auth/login';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import { useAuthTestEnv, type AuthTestEnv } from './support';

// Anyone who reaches the login form must not be able to grow the audit log without bound (docs/design.md,
// "The audit log stays bounded").
const PASSWORD = 'the-right-password-123';
const T = Date.UTC(2026, 0, 15, 10, 0, 0);

let env: AuthTestEnv;
let clock: number;

function advance(ms: number): void {
  clock += ms;
  vi.setSystemTime(clock);
}

const badToken = () => randomBytes(32).toString('base64url');

function auditCount(where = '1 = 1'): number {
  return (env.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE ${where}`).get() as { n: number }).n;
}

function attemptsCounted(): number {
  return (
    env.db
      .prepare("SELECT coalesce(sum(repeat_count), 0) AS n FROM audit_log WHERE action = 'auth.login_failed'")
      .get() as { n: number }
  ).n;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock = T;
  vi.setSystemTime(clock);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  env = useAuthTestEnv({ DASHBOARD_PASSWORD: PASSWORD });
});

afterEach(() => {
  flushRepeatedLines();
  env.cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a flood of bad login attempts', () => {
  it(
    '10,000 fast bad passwords and login links add a few dozen counted rows, each attempt counted' +
      ' once; unlocked, the admin logs in',
    async () => {
      const ATTEMPTS = 10_000;
      for (let i = 0; i < ATTEMPTS; i++) {
        advance(20);
        if (i % 3 === 0) await loginWithPassword({ username: 'admin', password: `guess-${i}` });
        else if (i % 3 === 1) await loginWithPassword({ username: `guess${i}`, password: 'whatever-it-is' });
        else await loginWithLink({ token: badToken() });
      }
      expect(auditCount()).toBeLessThanOrEqual(50);
      expect(attemptsCounted()).toBe(ATTEMPTS);

      // Held back: the right password is refused too, and counted like any other refusal.
      const refused = await loginWithPassword({ username: 'admin', password: PASSWORD });
      expect(refused).toMatchObject({ ok: false, error: { code: 'locked' } });
      expect(attemptsCounted()).toBe(ATTEMPTS + 1);

      // What the CLI's `unlock` does (the integration test runs the CLI itself).
      unlockLogins({ username: 'admin' });
      const login = await loginWithPassword({ username: 'admin', password: PASSWORD });
      expect(login.ok).toBe(true);
      expect(auditCount("action = 'auth.login' AND outcome = 'succeeded'")).toBe(1);
    },
    120_000,
  );
});

describe('login links are under the same lockout as passwords', () => {
  it('bad tokens back off, then lock the admin; a good link is refused, not used up, works once unlocked', async () => {
    const link = createLoginLink();
    let tries = 0;
    while (checkLoginGate('admin').allowed || (checkLoginGate('admin') as { reason: string }).reason !== 'locked') {
      const gate = checkLoginGate('admin');
      if (!gate.allowed && gate.retryAt !== undefined) advance(gate.retryAt - clock);
      const result = await loginWithLink({ token: badToken() });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(inEnglish(result.error.title)).toBe('This login link does not work');
      expect(++tries).toBeLessThanOrEqual(LOCKOUT_POLICY.user.lockAt);
    }
    expect(tries).toBe(LOCKOUT_POLICY.user.lockAt);
    expect(env.db.prepare("SELECT actor, target FROM audit_log WHERE action = 'auth.locked'").all()).toEqual([
      { actor: '(login link)', target: 'admin' },
    ]);

    const refused = await loginWithLink({ token: link.token });
    expect(refused).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(refused.ok === false && inEnglish(refused.error.title)).toBe('Login locked');
    expect(refused.ok === false && renderText(translatorFor('de'), refused.error.title)).toBe('Anmeldung gesperrt');
    expect(refused.ok === false && inEnglish(refused.error.detail)).toContain('npm run unlock');
    expect(env.db.prepare('SELECT used_at FROM login_links').get()).toEqual({ used_at: null });
    // So is a password, since the link logs in as the admin.
    expect(await loginWithPassword({ username: 'admin', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });

    unlockLogins({ username: 'admin' });
    expect((await loginWithLink({ token: link.token })).ok).toBe(true);
    expect((await loginWithLink({ token: link.token })).ok).toBe(false);
  }, 60_000);

  it('during the back-off a link attempt is refused before its token is looked at', async () => {
    for (let i = 0; i < LOCKOUT_POLICY.user.backoffFrom; i++) await loginWithLink({ token: badToken() });
    const link = createLoginLink();
    const refused = await loginWithLink({ token: link.token });
    expect(refused).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(refused.ok === false && inEnglish(refused.error.title)).toBe('Login paused');
    expect(env.db.prepare('SELECT used_at FROM login_links').get()).toEqual({ used_at: null });
    expect(
      env.db.prepare("SELECT outcome, repeat_count FROM audit_log WHERE actor = '(login link)' ORDER BY id").all(),
    ).toEqual([
      { outcome: 'failed', repeat_count: LOCKOUT_POLICY.user.backoffFrom },
      { outcome: 'refused', repeat_count: 1 },
    ]);
  });
});
