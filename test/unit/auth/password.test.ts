import { scrypt } from 'node:crypto';

import { beforeEach, describe, expect, it, vi } from 'vitest';

import {
  SCRYPT_PARAMS,
  hashPassword,
  isPasswordHash,
  looksLikePasswordHash,
  newPasswordSchema,
  parsePasswordHash,
  verifyDummyPassword,
  verifyPassword,
} from '@/lib/auth/password';
import { AppError } from '@/lib/errors';

import { english, german } from '../../support/rendered-texts';

// Counts KDF runs without changing them.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, scrypt: vi.fn(actual.scrypt) };
});

const PASSWORD = 'correct horse battery staple';
// Each scrypt run takes a few hundred milliseconds.
vi.setConfig({ testTimeout: 30_000 });

let hash: string;
beforeEach(async () => {
  hash ??= await hashPassword(PASSWORD);
  vi.mocked(scrypt).mockClear();
});

function replaceField(encoded: string, index: number, replace: (field: string) => string): string {
  const fields = encoded.split('$');
  fields[index] = replace(fields[index]!);
  return fields.join('$');
}

// Swaps the first base64 character, which keeps the encoding canonical.
const flipFirst = (field: string): string => (field[0] === 'A' ? 'B' : 'A') + field.slice(1);

function rejection(encoded: string): AppError {
  try {
    parsePasswordHash(encoded);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`accepted ${encoded}`);
}

describe('hashPassword / verifyPassword', () => {
  it('produces a self-describing scrypt hash with a 16-byte salt and a 32-byte key', () => {
    expect(hash).toMatch(/^scrypt\$N=131072,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(parsePasswordHash(hash).params).toEqual(SCRYPT_PARAMS);
    expect(isPasswordHash(hash)).toBe(true);
  });

  it('verifies the right password and rejects a wrong one, running the KDF each time', async () => {
    await expect(verifyPassword(PASSWORD, hash)).resolves.toBe(true);
    await expect(verifyPassword(`${PASSWORD}!`, hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
    expect(scrypt).toHaveBeenCalledTimes(3);
  });

  it('salts: the same password hashes differently each time', async () => {
    const again = await hashPassword(PASSWORD);
    expect(again).not.toBe(hash);
    await expect(verifyPassword(PASSWORD, again)).resolves.toBe(true);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const composed = 'caf\u00e9 au lait, no sugar';
    const decomposed = 'cafe\u0301 au lait, no sugar';
    await expect(verifyPassword(decomposed, await hashPassword(composed))).resolves.toBe(true);
  });

  it.each([
    ['key', 3],
    ['salt', 2],
  ])('rejects the password when the %s is tampered with', async (_field, index) => {
    await expect(verifyPassword(PASSWORD, replaceField(hash, index, flipFirst))).resolves.toBe(false);
  });

  it('rejects the password when the parameters are tampered with (still within bounds)', async () => {
    await expect(verifyPassword(PASSWORD, hash.replace('N=131072', 'N=65536'))).resolves.toBe(false);
  });
});

describe('parsePasswordHash', () => {
  const salt = Buffer.alloc(16, 1).toString('base64');
  const key = Buffer.alloc(32, 2).toString('base64');
  const withParams = (params: string): string => `scrypt$${params}$${salt}$${key}`;

  it.each([
    ['empty', '', /expected scrypt/],
    ['a plain password', PASSWORD, /expected scrypt/],
    ['missing key', `scrypt$N=131072,r=8,p=1$${salt}`, /expected scrypt/],
    ['unknown algorithm', `pbkdf2$N=131072,r=8,p=1$${salt}$${key}`, /expected scrypt/],
    ['non-canonical base64', `scrypt$N=131072,r=8,p=1$${salt.slice(0, -3)}B==$${key}`, /not canonical base64/],
    [
      'short salt',
      `scrypt$N=131072,r=8,p=1$${Buffer.alloc(8).toString('base64')}$${key}`,
      /salt must be 16 to 64 bytes/,
    ],
    [
      'long key',
      `scrypt$N=131072,r=8,p=1$${salt}$${Buffer.alloc(65).toString('base64')}`,
      /key must be 16 to 64 bytes/,
    ],
    ['N not a power of two', withParams('N=100000,r=8,p=1'), /power of two/],
    ['N too small', withParams('N=1024,r=8,p=1'), /power of two from 2\^14/],
    ['N absurd', withParams('N=33554432,r=8,p=1'), /power of two/],
    ['r absurd', withParams('N=131072,r=999,p=1'), /r must be/],
    ['p absurd', withParams('N=131072,r=8,p=64'), /p must be/],
    ['too much memory', withParams('N=262144,r=16,p=1'), /more work or memory/],
    ['too much work', withParams('N=131072,r=12,p=4'), /more work or memory/],
  ])('rejects %s with a reason, never echoing the input', (_name, encoded, reason) => {
    const error = rejection(encoded);
    expect(error.code).toBe('invalid_input');
    expect(english(error.detail)).toMatch(reason);
    if (encoded) expect(error.message).not.toContain(encoded);
    expect(isPasswordHash(encoded)).toBe(false);
  });

  it('says that argon2 is not available, rather than "malformed"', () => {
    const argon = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';
    expect(english(rejection(argon).detail)).toMatch(/argon2 hashes are not supported .*Node 20/);
    expect(looksLikePasswordHash(argon)).toBe(true);
  });

  it('says that bcrypt is not supported', () => {
    const bcrypt = rejection('$2b$10$abcdefghijklmnopqrstuuJ0000000000000000000000000000000');
    expect(english(bcrypt.detail)).toMatch(
      /bcrypt hashes are not supported; only scrypt hashes from npm run set-password are/,
    );
    expect(german(bcrypt.detail)).toBe(
      'bcrypt-Hashes werden nicht unterstützt; nur scrypt-Hashes von npm run set-password',
    );
    const wideR = rejection(
      `scrypt$N=131072,r=999,p=1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`,
    );
    expect(english(wideR.detail)).toBe('r must be from 1 to 16');
    expect(german(wideR.detail)).toBe('r muss zwischen 1 und 16 liegen');
  });

  it('makes verifyPassword throw for a malformed hash without running the KDF', async () => {
    await expect(verifyPassword(PASSWORD, 'scrypt$nonsense')).rejects.toBeInstanceOf(AppError);
    expect(scrypt).not.toHaveBeenCalled();
  });
});

describe('verifyDummyPassword', () => {
  it('runs the KDF with the real parameters and always fails', async () => {
    await expect(verifyDummyPassword(PASSWORD)).resolves.toBe(false);
    await expect(verifyDummyPassword('')).resolves.toBe(false);
    expect(scrypt).toHaveBeenCalledTimes(2);
    for (const call of vi.mocked(scrypt).mock.calls) {
      expect(call[3]).toMatchObject({ N: SCRYPT_PARAMS.N, r: SCRYPT_PARAMS.r, p: SCRYPT_PARAMS.p });
    }
  });
});

describe('newPasswordSchema', () => {
  it.each([
    [11, false],
    [12, true],
    [1024, true],
    [1025, false],
  ])('a password of %i characters is accepted: %s', (length, accepted) => {
    expect(newPasswordSchema.safeParse('x'.repeat(length)).success).toBe(accepted);
  });

  it('explains the rule', () => {
    const result = newPasswordSchema.safeParse('short');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be at least 12 characters');
  });
});
