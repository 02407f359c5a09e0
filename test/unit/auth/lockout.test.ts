import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import {
  LOCKOUT_POLICY,
  backoffMs,
  checkLoginGate,
  describeGate,
  evaluateGate,
  listLoginCounters,
  recordLoginFailure,
  recordLoginSuccess,
  unlockLogins,
  withLoginSlot,
  type GateDecision,
  type LoginCounter,
} from '@/lib/auth/lockout';

import { useAuthTestEnv, type AuthTestEnv } from './support';

const T = Date.UTC(2026, 0, 15, 14, 0, 0);
const HOUR = 3_600_000;

function counter(failures: number, lockedAt: number | null = null): LoginCounter {
  return { failures, windowStartedAt: T - 60_000, lastFailureAt: T, lockedAt };
}

const allowed: GateDecision = { allowed: true };
const backoff = (ms: number): GateDecision => ({ allowed: false, reason: 'backoff', retryAt: T + ms });
const locked: GateDecision = { allowed: false, reason: 'locked' };

describe('LOCKOUT_POLICY', () => {
  it('has the documented numbers', () => {
    expect(LOCKOUT_POLICY.user).toEqual({
      backoffFrom: 5,
      lockAt: 10,
      backoffBaseMs: 1000,
      backoffCapMs: 300_000,
      resetAfterMs: HOUR,
    });
    expect(LOCKOUT_POLICY.global).toEqual({
      backoffFrom: 20,
      lockAt: 100,
      backoffBaseMs: 1000,
      backoffCapMs: 300_000,
      resetAfterMs: HOUR,
    });
  });
});

describe('evaluateGate (pure), right after the last failure', () => {
  it.each([
    ['user', 0, allowed],
    ['user', 4, allowed],
    ['user', 5, backoff(1_000)],
    ['user', 6, backoff(2_000)],
    ['user', 9, backoff(16_000)],
    ['user', 10, locked],
    ['user', 11, locked],
    ['global', 19, allowed],
    ['global', 20, backoff(1_000)],
    ['global', 21, backoff(2_000)],
    ['global', 28, backoff(256_000)],
    ['global', 29, backoff(300_000)],
    ['global', 99, backoff(300_000)],
    ['global', 100, locked],
    ['global', 101, locked],
  ] as const)('%s scope, %i failures', (scope, failures, expected) => {
    expect(evaluateGate(counter(failures), LOCKOUT_POLICY[scope], T)).toEqual(expected);
  });

  it('allows anything without a counter', () => {
    expect(evaluateGate(undefined, LOCKOUT_POLICY.user, T)).toEqual(allowed);
  });

  it('lets the next attempt through once the back-off has passed', () => {
    expect(evaluateGate(counter(6), LOCKOUT_POLICY.user, T + 1_999)).toMatchObject({ allowed: false });
    expect(evaluateGate(counter(6), LOCKOUT_POLICY.user, T + 2_000)).toEqual(allowed);
  });

  it('forgets an unlocked counter an hour after its last failure, but never a lock', () => {
    expect(evaluateGate(counter(9), LOCKOUT_POLICY.user, T + HOUR)).toEqual(allowed);
    expect(evaluateGate(counter(10, T), LOCKOUT_POLICY.user, T + 48 * HOUR)).toEqual(locked);
    expect(evaluateGate(counter(3, T), LOCKOUT_POLICY.user, T)).toEqual(locked);
  });

  it('caps the back-off at five minutes', () => {
    expect(backoffMs(4, LOCKOUT_POLICY.user)).toBe(0);
    expect(backoffMs(50, LOCKOUT_POLICY.global)).toBe(300_000);
  });
});

describe('store-backed lockout', () => {
  let env: AuthTestEnv;
  beforeEach(() => {
    env = useAuthTestEnv();
  });
  afterEach(() => env.cleanup());

  function fail(times: number, username: (i: number) => string = () => 'admin') {
    let last;
    for (let i = 0; i < times; i++) last = recordLoginFailure(username(i), T + i);
    return last;
  }
  const lastAt = (times: number) => T + times - 1;

  it.each([
    [4, { allowed: true }, []],
    [5, { allowed: false, reason: 'backoff', scope: 'user', retryAt: lastAt(5) + 1_000 }, []],
    [6, { allowed: false, reason: 'backoff', scope: 'user', retryAt: lastAt(6) + 2_000 }, []],
    [9, { allowed: false, reason: 'backoff', scope: 'user', retryAt: lastAt(9) + 16_000 }, []],
    [10, { allowed: false, reason: 'locked', scope: 'user' }, ['user']],
    [11, { allowed: false, reason: 'locked', scope: 'user' }, []],
  ])('per user: after %i failures', (failures, gate, lockedNow) => {
    const result = fail(failures);
    expect(result?.lockedNow).toEqual(lockedNow);
    expect(result?.failures.user).toBe(failures);
    expect(checkLoginGate('admin', lastAt(failures))).toEqual(gate);
  });

  it.each([
    [19, { allowed: true }, []],
    [20, { allowed: false, reason: 'backoff', scope: 'global', retryAt: lastAt(20) + 1_000 }, []],
    [21, { allowed: false, reason: 'backoff', scope: 'global', retryAt: lastAt(21) + 2_000 }, []],
    [99, { allowed: false, reason: 'backoff', scope: 'global', retryAt: lastAt(99) + 300_000 }, []],
    [100, { allowed: false, reason: 'locked', scope: 'global' }, ['global']],
    [101, { allowed: false, reason: 'locked', scope: 'global' }, []],
  ])('globally: after %i failures spread over distinct usernames', (failures, gate, lockedNow) => {
    const result = fail(failures, (i) => `guess${i}`);
    expect(result?.lockedNow).toEqual(lockedNow);
    expect(result?.failures).toEqual({ user: 1, global: failures });
    // The real admin, who never failed, is held back too.
    expect(checkLoginGate('admin', lastAt(failures))).toEqual(gate);
  });

  it('counts Admin, ADMIN and admin as one username', () => {
    for (const name of ['Admin', 'ADMIN', 'admin', 'aDmIn', 'ADMIN']) recordLoginFailure(name, T);
    expect(listLoginCounters().map((c) => [c.scope, c.failures])).toEqual([
      ['global', 5],
      ['user:admin', 5],
    ]);
    expect(checkLoginGate('AdMiN', T)).toMatchObject({ allowed: false, reason: 'backoff', scope: 'user' });
  });

  it('starts again from zero an hour after the last failure', () => {
    fail(9);
    expect(checkLoginGate('admin', lastAt(9) + HOUR)).toEqual({ allowed: true });
    recordLoginFailure('admin', lastAt(9) + HOUR);
    expect(listLoginCounters().find((c) => c.scope === 'user:admin')).toMatchObject({
      failures: 1,
      windowStartedAt: lastAt(9) + HOUR,
    });
  });

  it('keeps a lock after the hour: only the CLI lifts it', () => {
    fail(10);
    expect(checkLoginGate('admin', T + 30 * 24 * HOUR)).toMatchObject({ allowed: false, reason: 'locked' });
    recordLoginFailure('admin', T + 30 * 24 * HOUR);
    expect(listLoginCounters().find((c) => c.scope === 'user:admin')).toMatchObject({
      failures: 11,
      lockedAt: lastAt(10),
    });
  });

  it('reports the more restrictive of the user and global verdicts', () => {
    fail(95, (i) => `guess${i}`);
    fail(5);
    expect(checkLoginGate('admin', lastAt(5))).toMatchObject({ allowed: false, reason: 'locked', scope: 'global' });
  });

  it('a success clears the username only; the global counter keeps counting', () => {
    fail(7);
    recordLoginSuccess('ADMIN');
    expect(listLoginCounters().map((c) => [c.scope, c.failures])).toEqual([['global', 7]]);
  });

  it('forgets stale counters of other usernames when recording a failure', () => {
    recordLoginFailure('typo', T);
    recordLoginFailure('admin', T + HOUR + 1);
    expect(listLoginCounters().map((c) => c.scope)).toEqual(['global', 'user:admin']);
  });

  it('unlock clears a username (any case) and the global counter, and says what it cleared', () => {
    fail(10);
    recordLoginFailure('bob', T);
    const { cleared } = unlockLogins({ username: 'ADMIN' });
    expect(cleared.map((c) => [c.scope, c.failures, c.lockedAt !== null])).toEqual([
      ['global', 11, false],
      ['user:admin', 10, true],
    ]);
    expect(checkLoginGate('admin', lastAt(10))).toEqual({ allowed: true });
    expect(listLoginCounters().map((c) => c.scope)).toEqual(['user:bob']);
  });

  it('unlock --all clears every counter; unlocking again clears nothing', () => {
    fail(100, (i) => `guess${i % 3}`);
    expect(unlockLogins({ all: true }).cleared.map((c) => c.scope)).toEqual([
      'global',
      'user:guess0',
      'user:guess1',
      'user:guess2',
    ]);
    expect(listLoginCounters()).toEqual([]);
    expect(unlockLogins({ all: true }).cleared).toEqual([]);
  });
});

describe('describeGate', () => {
  const now = Date.UTC(2026, 0, 15, 14, 29, 52);

  it('gives the wait and the clock time for a back-off', () => {
    expect(
      inEnglish(
        describeGate(
          { allowed: false, reason: 'backoff', scope: 'user', retryAt: Date.UTC(2026, 0, 15, 14, 32, 0) },
          now,
        ),
      ),
    ).toBe('Too many failed attempts: try again in 2 min 8 s (at 14:32:00 UTC).');
    // The clock time rounds up to the second, so trying at the time shown always works.
    expect(
      inEnglish(describeGate({ allowed: false, reason: 'backoff', scope: 'global', retryAt: now + 1_000 }, now)),
    ).toBe('Too many failed attempts: try again in 1 s (at 14:29:53 UTC).');
    expect(
      inEnglish(describeGate({ allowed: false, reason: 'backoff', scope: 'user', retryAt: now + 300_000 }, now)),
    ).toBe('Too many failed attempts: try again in 5 min (at 14:34:52 UTC).');
  });

  it('points at the CLI for a lock', () => {
    expect(inEnglish(describeGate({ allowed: false, reason: 'locked', scope: 'user' }, now))).toBe(
      'Login is locked after 10 failed attempts for this username. Unlock it on the server: npm run unlock',
    );
    expect(inEnglish(describeGate({ allowed: false, reason: 'locked', scope: 'global' }, now))).toBe(
      'Login is locked after 100 failed attempts across all usernames. Unlock it on the server: npm run unlock',
    );
  });

  it('says it in German', () => {
    const de = translatorFor('de');
    expect(renderText(de, describeGate({ allowed: false, reason: 'locked', scope: 'user' }, now))).toBe(
      'Die Anmeldung ist nach 10 Fehlversuchen für diesen Benutzernamen gesperrt. Entsperre sie auf dem Server: npm run unlock',
    );
  });
});

describe('withLoginSlot', () => {
  it('runs attempts one after another, even when one fails', async () => {
    const events: string[] = [];
    const attempt = (name: string, ms: number, fail = false) =>
      withLoginSlot(async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([attempt('a', 20, true), attempt('b', 5), attempt('c', 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
