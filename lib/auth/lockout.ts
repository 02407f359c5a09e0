import 'server-only';

/**
 * Brute-force control for the login form. Behind the SSH tunnel every request comes from 127.0.0.1,
 * so failures are counted per lower-cased username and globally, never per IP: exponential back-off
 * first, then a lock that only `npm run unlock` lifts. Counters live in the dashboard's store so they
 * survive restarts and are shared with the CLI.
 */
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';
import { processSingleton } from '../process/singleton';
import type { Store } from '../store';
import { store } from '../store';

export interface GatePolicy {
  /** From this many failures on, each next attempt waits backoffBaseMs * 2^(failures - backoffFrom). */
  backoffFrom: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** At this many failures the scope locks until the CLI unlocks it. */
  lockAt: number;
  /** An unlocked counter starts again from zero this long after its last failure. */
  resetAfterMs: number;
}

const TIMING = { backoffBaseMs: 1000, backoffCapMs: 5 * 60_000, resetAfterMs: 60 * 60_000 } as const;

export const LOCKOUT_POLICY: Readonly<Record<LockScope, Readonly<GatePolicy>>> = Object.freeze({
  user: Object.freeze({ backoffFrom: 5, lockAt: 10, ...TIMING }),
  global: Object.freeze({ backoffFrom: 20, lockAt: 100, ...TIMING }),
});

export type LockScope = 'user' | 'global';

export interface LoginCounter {
  failures: number;
  windowStartedAt: number;
  lastFailureAt: number;
  lockedAt: number | null;
}

export type GateDecision = { allowed: true } | { allowed: false; reason: 'backoff' | 'locked'; retryAt?: number };
export type LoginGate =
  { allowed: true } | { allowed: false; reason: 'backoff' | 'locked'; retryAt?: number; scope: LockScope };
export type BlockedLoginGate = Extract<LoginGate, { allowed: false }>;

function isLocked(counter: LoginCounter, policy: GatePolicy): boolean {
  return counter.lockedAt !== null || counter.failures >= policy.lockAt;
}

function isExpired(counter: LoginCounter, policy: GatePolicy, now: number): boolean {
  return !isLocked(counter, policy) && now - counter.lastFailureAt >= policy.resetAfterMs;
}

/** How long the next attempt must wait after `failures` failures (0 below the back-off threshold). */
export function backoffMs(failures: number, policy: GatePolicy): number {
  if (failures < policy.backoffFrom) return 0;
  return Math.min(policy.backoffBaseMs * 2 ** (failures - policy.backoffFrom), policy.backoffCapMs);
}

/** Pure: may an attempt be made now, given this scope's counter? */
export function evaluateGate(counter: LoginCounter | undefined, policy: GatePolicy, now: number): GateDecision {
  if (counter === undefined) return { allowed: true };
  if (isLocked(counter, policy)) return { allowed: false, reason: 'locked' };
  if (isExpired(counter, policy, now)) return { allowed: true };
  const retryAt = counter.lastFailureAt + backoffMs(counter.failures, policy);
  return now < retryAt ? { allowed: false, reason: 'backoff', retryAt } : { allowed: true };
}

const GLOBAL_KEY = 'global';

// Usernames are at most 64 characters; a longer one is wrong anyway and must not bloat the table.
function userKey(username: string): string {
  return `user:${username.toLowerCase().slice(0, 256)}`;
}

function readCounter(db: Store, key: string): LoginCounter | undefined {
  return db
    .prepare<[string], LoginCounter>(
      `SELECT failures, window_started_at AS windowStartedAt, last_failure_at AS lastFailureAt, locked_at AS lockedAt
       FROM login_counters WHERE scope = ?`,
    )
    .get(key);
}

function severity(gate: LoginGate): number {
  if (gate.allowed) return 0;
  return gate.reason === 'locked' ? Number.POSITIVE_INFINITY : (gate.retryAt ?? 0);
}

/** Checks the username's counter and the global one; returns the more restrictive verdict. */
export function checkLoginGate(username: string, now: number = Date.now()): LoginGate {
  const db = store();
  const gateOf = (scope: LockScope, key: string): LoginGate => {
    const decision = evaluateGate(readCounter(db, key), LOCKOUT_POLICY[scope], now);
    return decision.allowed ? decision : { ...decision, scope };
  };
  const user = gateOf('user', userKey(username));
  const global = gateOf('global', GLOBAL_KEY);
  return severity(global) > severity(user) ? global : user;
}

function bumpCounter(
  db: Store,
  key: string,
  policy: GatePolicy,
  now: number,
): { counter: LoginCounter; newlyLocked: boolean } {
  const previous = readCounter(db, key);
  const fresh = previous === undefined || isExpired(previous, policy, now);
  const failures = fresh ? 1 : previous.failures + 1;
  const wasLocked = !fresh && previous.lockedAt !== null;
  const counter: LoginCounter = {
    failures,
    windowStartedAt: fresh ? now : previous.windowStartedAt,
    lastFailureAt: now,
    lockedAt: wasLocked ? previous.lockedAt : failures >= policy.lockAt ? now : null,
  };
  db.prepare(
    `INSERT INTO login_counters (scope, failures, window_started_at, last_failure_at, locked_at)
     VALUES (@key, @failures, @windowStartedAt, @lastFailureAt, @lockedAt)
     ON CONFLICT (scope) DO UPDATE SET failures = excluded.failures, window_started_at = excluded.window_started_at,
       last_failure_at = excluded.last_failure_at, locked_at = excluded.locked_at`,
  ).run({ key, ...counter });
  return { counter, newlyLocked: !wasLocked && counter.lockedAt !== null };
}

// Unknown usernames each get a row; forget the ones whose window has passed so the table stays small.
function forgetExpiredCounters(db: Store, now: number): void {
  db.prepare('DELETE FROM login_counters WHERE locked_at IS NULL AND last_failure_at <= ?').run(
    now - LOCKOUT_POLICY.user.resetAfterMs,
  );
}

export interface FailureRecord {
  /** The scopes this failure locked (audit them as auth.locked); empty when nothing new locked. */
  lockedNow: LockScope[];
  failures: Record<LockScope, number>;
}

export function recordLoginFailure(username: string, now: number = Date.now()): FailureRecord {
  const db = store();
  return db
    .transaction((): FailureRecord => {
      forgetExpiredCounters(db, now);
      const user = bumpCounter(db, userKey(username), LOCKOUT_POLICY.user, now);
      const global = bumpCounter(db, GLOBAL_KEY, LOCKOUT_POLICY.global, now);
      return {
        lockedNow: [...(user.newlyLocked ? ['user' as const] : []), ...(global.newlyLocked ? ['global' as const] : [])],
        failures: { user: user.counter.failures, global: global.counter.failures },
      };
    })
    .immediate();
}

/** A successful login clears the username's counter; the global one keeps counting other failures. */
export function recordLoginSuccess(username: string): void {
  store().prepare('DELETE FROM login_counters WHERE scope = ?').run(userKey(username));
}

export interface StoredCounter extends LoginCounter {
  /** 'global' or 'user:<lower-cased username>'. */
  scope: string;
}

export function listLoginCounters(): StoredCounter[] {
  return store()
    .prepare<[], StoredCounter>(
      `SELECT scope, failures, window_started_at AS windowStartedAt, last_failure_at AS lastFailureAt,
              locked_at AS lockedAt
       FROM login_counters ORDER BY scope = 'global' DESC, scope`,
    )
    .all();
}

export function policyForScope(scope: string): GatePolicy {
  return scope === GLOBAL_KEY ? LOCKOUT_POLICY.global : LOCKOUT_POLICY.user;
}

/**
 * Clears counters and locks (the CLI's `unlock`): one username's, or all of them with `all`. The
 * global counter is cleared in every case, since a global lock would keep that user out anyway.
 */
export function unlockLogins({ username, all = false }: { username?: string; all?: boolean }): {
  cleared: StoredCounter[];
} {
  const db = store();
  return db
    .transaction(() => {
      const keys = new Set([GLOBAL_KEY, ...(username === undefined ? [] : [userKey(username)])]);
      const cleared = listLoginCounters().filter((counter) => all || keys.has(counter.scope));
      const remove = db.prepare('DELETE FROM login_counters WHERE scope = ?');
      for (const counter of cleared) remove.run(counter.scope);
      return { cleared };
    })
    .immediate();
}

function formatWait(ms: number): string {
  const totalSeconds = Math.max(1, Math.ceil(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes === 0) return `${seconds} s`;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

// Rounded up to the second, so trying again at the time shown always works.
function formatClockUtc(at: number): string {
  const second = new Date(Math.ceil(at / 1_000) * 1_000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(second.getUTCHours())}:${pad(second.getUTCMinutes())}:${pad(second.getUTCSeconds())} UTC`;
}

/** The sentence the login page shows for a refused attempt. */
export function describeGate(gate: BlockedLoginGate, now: number = Date.now()): Text {
  if (gate.reason === 'locked') {
    return text('auth.errors.gateLocked', { count: LOCKOUT_POLICY[gate.scope].lockAt, scope: gate.scope });
  }
  const retryAt = gate.retryAt ?? now;
  return text('auth.errors.gateBackoff', { wait: formatWait(retryAt - now), clock: formatClockUtc(retryAt) });
}

/**
 * The same refusal in the same words every time (no clock times, no seconds left), so that the audit
 * log can count repeated refusals in one row.
 */
export function describeRefusal(gate: BlockedLoginGate): string {
  if (gate.reason === 'locked') return inEnglish(describeGate(gate));
  const whose = gate.scope === 'user' ? 'for this username' : 'across all usernames';
  return `Refused during the back-off after repeated failed attempts ${whose}.`;
}

/**
 * Runs login attempts one at a time in this process. Without it, a burst of parallel attempts would
 * all pass the gate before the first failure is recorded (the KDF takes a few hundred milliseconds),
 * and each would hold scrypt's 128 MiB at once. Check the gate inside the slot.
 */
export function withLoginSlot<T>(attempt: () => Promise<T>): Promise<T> {
  const slot = processSingleton<{ tail: Promise<unknown> }>('loginSlot', () => ({ tail: Promise.resolve() }));
  const result = slot.tail.then(attempt);
  slot.tail = result.catch(() => undefined);
  return result;
}
