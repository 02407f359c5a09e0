import { createHash } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { consumeLoginLink, createLoginLink } from '@/lib/auth/login-links';

import { useAuthTestEnv, type AuthTestEnv } from './support';

const T = Date.UTC(2026, 0, 15, 14, 0, 0);
const MINUTE = 60_000;

describe('login links', () => {
  let env: AuthTestEnv;
  beforeEach(() => {
    env = useAuthTestEnv({ LOGIN_LINK_MINUTES: '15' });
  });
  afterEach(() => env.cleanup());

  it('makes a 32-byte base64url token valid for LOGIN_LINK_MINUTES', () => {
    const link = createLoginLink(T);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt).toBe(T + 15 * MINUTE);
  });

  it('stores only the SHA-256 of the token', () => {
    const { token } = createLoginLink(T);
    const rows = env.db.prepare('SELECT token_hash FROM login_links').all() as { token_hash: string }[];
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
    expect(JSON.stringify(env.db.prepare('SELECT * FROM login_links').all())).not.toContain(token);
  });

  it('works once, then never again', () => {
    const { token } = createLoginLink(T);
    expect(consumeLoginLink(token, T + MINUTE)).toBe(true);
    expect(consumeLoginLink(token, T + MINUTE)).toBe(false);
    expect(consumeLoginLink(token, T + 2 * MINUTE)).toBe(false);
  });

  it('expires', () => {
    const { token, expiresAt } = createLoginLink(T);
    expect(consumeLoginLink(token, expiresAt)).toBe(false);
    const fresh = createLoginLink(T);
    expect(consumeLoginLink(fresh.token, fresh.expiresAt - 1)).toBe(true);
  });

  it('stops working when a newer link is made', () => {
    const older = createLoginLink(T);
    const newer = createLoginLink(T + MINUTE);
    expect(consumeLoginLink(older.token, T + 2 * MINUTE)).toBe(false);
    expect(consumeLoginLink(newer.token, T + 2 * MINUTE)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['short', 'abc'],
    ['too long', 'a'.repeat(44)],
    ['not base64url', `${'a'.repeat(42)}+`],
    ['unknown', 'a'.repeat(43)],
  ])('refuses a %s token', (_name, token) => {
    createLoginLink(T);
    expect(consumeLoginLink(token, T + MINUTE)).toBe(false);
  });

  it('refuses the token with a character appended', () => {
    const { token } = createLoginLink(T);
    expect(consumeLoginLink(`${token}x`, T + MINUTE)).toBe(false);
    expect(consumeLoginLink(token, T + MINUTE)).toBe(true);
  });
});
