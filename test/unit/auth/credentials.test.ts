import { scrypt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { adminCredential, describeCredentialSource, saveAdminPassword, verifyLogin } from '@/lib/auth/credentials';
import { hashPassword } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';

import { english, german } from '../../support/rendered-texts';
import { useAuthTestEnv, type AuthTestEnv } from './support';

// Counts KDF runs without changing them.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, scrypt: vi.fn(actual.scrypt) };
});
// Each scrypt run takes a few hundred milliseconds.
vi.setConfig({ testTimeout: 30_000 });

const FILE_PASSWORD = 'password from the file';
const ENV_PASSWORD = 'password from the environment';
const STORED_PASSWORD = 'password set with the CLI';

let env: AuthTestEnv;
let passwordFile: string;

beforeEach(() => {
  env = useAuthTestEnv();
  passwordFile = path.join(env.dir, 'secret');
});
afterEach(() => env.cleanup());

function kdfRuns(): number {
  return vi.mocked(scrypt).mock.calls.length;
}

async function kdfRunsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = kdfRuns();
  await work();
  return kdfRuns() - before;
}

function credentialError(): AppError {
  try {
    adminCredential();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('adminCredential did not throw');
}

describe('adminCredential precedence', () => {
  it('file > env > store > none', async () => {
    expect(adminCredential()).toEqual({ source: 'none' });

    await saveAdminPassword(STORED_PASSWORD, 1_700_000_000_000);
    expect(adminCredential()).toEqual({ source: 'store', form: 'hash', setAt: 1_700_000_000_000 });

    env.configure({ DASHBOARD_PASSWORD: ENV_PASSWORD });
    expect(adminCredential()).toEqual({ source: 'env', form: 'plain' });

    writeFileSync(passwordFile, `${FILE_PASSWORD}\n`);
    env.configure({ DASHBOARD_PASSWORD: ENV_PASSWORD, DASHBOARD_PASSWORD_FILE: passwordFile });
    expect(adminCredential()).toEqual({ source: 'file', file: passwordFile, form: 'plain' });

    await expect(verifyLogin('admin', FILE_PASSWORD)).resolves.toBe(true);
    await expect(verifyLogin('admin', ENV_PASSWORD)).resolves.toBe(false);
    await expect(verifyLogin('admin', STORED_PASSWORD)).resolves.toBe(false);
  });
});

describe('DASHBOARD_PASSWORD_FILE', () => {
  beforeEach(() => env.configure({ DASHBOARD_PASSWORD_FILE: passwordFile }));

  it('holds a plain password, less one trailing newline', async () => {
    writeFileSync(passwordFile, `${FILE_PASSWORD}\r\n`);
    await expect(verifyLogin('admin', FILE_PASSWORD)).resolves.toBe(true);
    await expect(verifyLogin('admin', `${FILE_PASSWORD}\n`)).resolves.toBe(false);
  });

  it('keeps everything but the last newline as part of the password', async () => {
    writeFileSync(passwordFile, `  ${FILE_PASSWORD}\n\n`);
    await expect(verifyLogin('admin', `  ${FILE_PASSWORD}\n`)).resolves.toBe(true);
  });

  it('holds an encoded scrypt hash', async () => {
    writeFileSync(passwordFile, `${await hashPassword(FILE_PASSWORD)}\n`);
    expect(adminCredential()).toEqual({ source: 'file', file: passwordFile, form: 'hash' });
    await expect(verifyLogin('admin', FILE_PASSWORD)).resolves.toBe(true);
    await expect(verifyLogin('admin', 'not the password')).resolves.toBe(false);
  });

  it('is read at each login, so a rotated file takes effect', async () => {
    writeFileSync(passwordFile, FILE_PASSWORD);
    await expect(verifyLogin('admin', FILE_PASSWORD)).resolves.toBe(true);
    writeFileSync(passwordFile, 'the rotated password');
    await expect(verifyLogin('admin', FILE_PASSWORD)).resolves.toBe(false);
    await expect(verifyLogin('admin', 'the rotated password')).resolves.toBe(true);
  });

  it('names the file when it cannot be read, and does not fall back to other sources', async () => {
    await saveAdminPassword(STORED_PASSWORD);
    const error = credentialError();
    expect(error.code).toBe('invalid_input');
    expect(english(error.detail)).toBe(
      `DASHBOARD_PASSWORD_FILE ${passwordFile} cannot be read (ENOENT); every login fails until it can.`,
    );
    expect(german(error.title)).toBe('Passwortdatei unbrauchbar');
    expect(german(error.detail)).toBe(
      `DASHBOARD_PASSWORD_FILE ${passwordFile}: lässt sich nicht lesen (ENOENT); bis dahin scheitert jede Anmeldung.`,
    );
    await expect(verifyLogin('admin', STORED_PASSWORD)).rejects.toThrow(passwordFile);
    expect(describeCredentialSource()).toBe(`file: ${english(error.detail)}`);
  });

  it('says EISDIR for a directory', () => {
    mkdirSync(passwordFile);
    expect(english(credentialError().detail)).toContain('cannot be read (EISDIR)');
  });

  it('refuses a password that breaks the rules, without showing it', () => {
    writeFileSync(passwordFile, 'short\n');
    const error = credentialError();
    expect(english(error.detail)).toBe(
      `DASHBOARD_PASSWORD_FILE ${passwordFile} holds a password that must be at least 12 characters.`,
    );
    expect(english(error.fix)).toBe(
      'Fix the file (a password of at least 12 characters, or a scrypt hash), or unset DASHBOARD_PASSWORD_FILE.',
    );
    expect(error.message).not.toContain('short\n');
  });

  it('explains that an argon2 hash cannot be used', () => {
    writeFileSync(passwordFile, '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n');
    const error = credentialError();
    expect(english(error.detail)).toMatch(/holds an unusable hash: argon2 hashes are not supported/);
    expect(german(error.detail)).toMatch(/enthält einen unbrauchbaren Hash: argon2-Hashes werden nicht unterstützt/);
  });

  it('refuses a damaged scrypt hash rather than taking it as a plain password', () => {
    writeFileSync(passwordFile, 'scrypt$N=131072,r=8,p=1$broken\n');
    expect(english(credentialError().detail)).toMatch(/holds an unusable hash: expected scrypt/);
  });
});

describe('verifyLogin', () => {
  let storedHash: string;
  beforeAll(async () => {
    storedHash = await hashPassword(STORED_PASSWORD);
  });
  beforeEach(() => {
    env.db.prepare('INSERT INTO admin_password (id, hash, set_at) VALUES (1, ?, 0)').run(storedHash);
  });

  it('accepts the configured username in any case, with the right password', async () => {
    await expect(verifyLogin('admin', STORED_PASSWORD)).resolves.toBe(true);
    await expect(verifyLogin('ADMIN', STORED_PASSWORD)).resolves.toBe(true);
    await expect(verifyLogin('Admin', STORED_PASSWORD)).resolves.toBe(true);
  });

  it('rejects another username even with the right password', async () => {
    await expect(verifyLogin('root', STORED_PASSWORD)).resolves.toBe(false);
    await expect(verifyLogin('admin ', STORED_PASSWORD)).resolves.toBe(false);
    await expect(verifyLogin('', STORED_PASSWORD)).resolves.toBe(false);
  });

  it('runs the KDF exactly once for a known and for an unknown username', async () => {
    expect(await kdfRunsDuring(() => verifyLogin('admin', 'wrong password!'))).toBe(1);
    expect(await kdfRunsDuring(() => verifyLogin('nobody', 'wrong password!'))).toBe(1);
    expect(await kdfRunsDuring(() => verifyLogin('admin', STORED_PASSWORD))).toBe(1);
    expect(await kdfRunsDuring(() => verifyLogin('nobody', STORED_PASSWORD))).toBe(1);
  });

  it('runs the KDF when no password is set, and never accepts anything', async () => {
    env.db.prepare('DELETE FROM admin_password').run();
    expect(adminCredential()).toEqual({ source: 'none' });
    expect(await kdfRunsDuring(async () => expect(await verifyLogin('admin', '')).toBe(false))).toBe(1);
    expect(await kdfRunsDuring(async () => expect(await verifyLogin('admin', STORED_PASSWORD)).toBe(false))).toBe(1);
  });

  it('runs the KDF for an absurdly long password too, and rejects it', async () => {
    expect(await kdfRunsDuring(async () => expect(await verifyLogin('admin', 'x'.repeat(100_000))).toBe(false))).toBe(
      1,
    );
  });

  it('hashes a plain env password once per process, for known and unknown usernames alike', async () => {
    env.configure({ DASHBOARD_PASSWORD: ENV_PASSWORD });
    // The first login of the process also derives the cached hash of the plain password.
    expect(await kdfRunsDuring(() => verifyLogin('nobody', ENV_PASSWORD))).toBe(2);
    expect(await kdfRunsDuring(() => verifyLogin('nobody', ENV_PASSWORD))).toBe(1);
    expect(await kdfRunsDuring(() => verifyLogin('admin', ENV_PASSWORD))).toBe(1);
    await expect(verifyLogin('admin', ENV_PASSWORD)).resolves.toBe(true);
    await expect(verifyLogin('admin', STORED_PASSWORD)).resolves.toBe(false);
  });
});

describe('describeCredentialSource', () => {
  it('names each source and never the secret', async () => {
    expect(describeCredentialSource()).toMatch(/^none: no password is set; a one-time login link/);

    await saveAdminPassword(STORED_PASSWORD, Date.UTC(2026, 0, 15, 14, 0, 0));
    expect(describeCredentialSource()).toBe(
      'store: the hash saved by npm run set-password on 2026-01-15T14:00:00.000Z',
    );

    env.configure({ DASHBOARD_PASSWORD: ENV_PASSWORD });
    expect(describeCredentialSource()).toBe('env: DASHBOARD_PASSWORD');

    writeFileSync(passwordFile, FILE_PASSWORD);
    env.configure({ DASHBOARD_PASSWORD_FILE: passwordFile });
    expect(describeCredentialSource()).toBe(
      `file: DASHBOARD_PASSWORD_FILE ${passwordFile} (plain password, read at each login)`,
    );
  });
});

describe('saveAdminPassword', () => {
  it('refuses a password that breaks the rules', async () => {
    await expect(saveAdminPassword('too short')).rejects.toThrow('must be at least 12 characters');
    expect(adminCredential()).toEqual({ source: 'none' });
  });

  it('replaces the stored password', async () => {
    await saveAdminPassword(STORED_PASSWORD);
    await saveAdminPassword('a brand new password');
    await expect(verifyLogin('admin', STORED_PASSWORD)).resolves.toBe(false);
    await expect(verifyLogin('admin', 'a brand new password')).resolves.toBe(true);
    expect(env.db.prepare('SELECT COUNT(*) AS n FROM admin_password').get()).toEqual({ n: 1 });
  });
});
