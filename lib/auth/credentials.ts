import 'server-only';

/**
 * Where the admin password comes from, in order: DASHBOARD_PASSWORD_FILE (re-read at each login, so a
 * rotated file takes effect), DASHBOARD_PASSWORD, the hash stored by `npm run set-password`, else none
 * (the server then prints a one-time login link). Every login runs the KDF exactly once, whether or
 * not the username exists, so timing does not reveal it.
 */
import { createHash, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';
import { store } from '../store';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SCRYPT_MAX_MEMORY,
  SCRYPT_PARAMS,
  hashPassword,
  looksLikePasswordHash,
  newPasswordSchema,
  parsePasswordHash,
  verifyDummyPassword,
  verifyPassword,
} from './password';

/** Where logins take the password from; never the secret itself. */
export type AdminCredential =
  | { source: 'file'; file: string; form: 'plain' | 'hash' }
  | { source: 'env'; form: 'plain' }
  | { source: 'store'; form: 'hash'; setAt: number }
  | { source: 'none' };

export type CredentialSource = AdminCredential['source'];

type Secret =
  | { source: 'file'; file: string; form: 'plain' | 'hash'; value: string }
  | { source: 'env'; form: 'plain'; value: string }
  | { source: 'store'; form: 'hash'; value: string; setAt: number }
  | { source: 'none' };

function fileProblem(file: string, detail: Text): AppError {
  return new AppError(
    'invalid_input',
    text('auth.errors.passwordFile.title'),
    text('auth.errors.passwordFile.detail', { key: 'DASHBOARD_PASSWORD_FILE', file, detail }),
    text('auth.errors.passwordFile.fix', { key: 'DASHBOARD_PASSWORD_FILE', min: String(PASSWORD_MIN_LENGTH) }),
  );
}

function readPasswordFile(file: string): Secret {
  let fileText: string;
  try {
    fileText = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw fileProblem(file, text('auth.errors.passwordFile.unreadable', { code }));
  }
  // Editors and `echo` add one newline; anything else belongs to the password.
  const content = fileText.replace(/\r?\n$/, '');
  if (looksLikePasswordHash(content)) {
    try {
      parsePasswordHash(content);
    } catch (error) {
      throw error instanceof AppError
        ? fileProblem(file, text('auth.errors.passwordFile.badHash', { reason: error.detail }))
        : error;
    }
    return { source: 'file', file, form: 'hash', value: content.trim() };
  }
  const checked = newPasswordSchema.safeParse(content);
  if (!checked.success)
    throw fileProblem(
      file,
      content.length < PASSWORD_MIN_LENGTH
        ? text('auth.errors.passwordFile.tooShort', { min: String(PASSWORD_MIN_LENGTH) })
        : text('auth.errors.passwordFile.tooLong', { max: String(PASSWORD_MAX_LENGTH) }),
    );
  return { source: 'file', file, form: 'plain', value: content };
}

function readStoredHash(): Secret {
  const row = store()
    .prepare<[], { hash: string; setAt: number }>('SELECT hash, set_at AS setAt FROM admin_password WHERE id = 1')
    .get();
  if (row === undefined) return { source: 'none' };
  try {
    parsePasswordHash(row.hash);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      'invalid_input',
      text('auth.errors.storedHash.title'),
      text('auth.errors.storedHash.detail', { command: 'npm run set-password', reason: error.detail }),
      text('auth.errors.storedHash.fix', { command: 'npm run set-password' }),
    );
  }
  return { source: 'store', form: 'hash', value: row.hash, setAt: row.setAt };
}

function readSecret(): Secret {
  const { passwordFile, password } = getConfig().auth;
  if (passwordFile !== undefined) return readPasswordFile(passwordFile);
  if (password !== undefined) return { source: 'env', form: 'plain', value: password };
  return readStoredHash();
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

let plainHashCache: { digest: Buffer; hash: Promise<string> } | undefined;

// A plain password is hashed once per process (random salt) so that logins compare KDF outputs in
// constant time, as with a stored hash; a changed password (rotated file) is hashed again.
function hashOfPlain(password: string): Promise<string> {
  const digest = sha256(password);
  if (plainHashCache === undefined || !timingSafeEqual(plainHashCache.digest, digest)) {
    const hash = hashPassword(password);
    plainHashCache = { digest, hash };
    hash.catch(() => {
      if (plainHashCache?.hash === hash) plainHashCache = undefined;
    });
  }
  return plainHashCache.hash;
}

/**
 * Resolves the admin credential now (the file is read again each time). Throws AppError when
 * DASHBOARD_PASSWORD_FILE or the stored hash is unusable.
 */
export function adminCredential(): AdminCredential {
  const secret = readSecret();
  switch (secret.source) {
    case 'none':
      return secret;
    case 'store':
      return { source: 'store', form: 'hash', setAt: secret.setAt };
    case 'env':
      return { source: 'env', form: 'plain' };
    case 'file':
      return { source: 'file', file: secret.file, form: secret.form };
  }
}

function encodedHashOf(secret: Exclude<Secret, { source: 'none' }>): Promise<string> {
  return secret.form === 'hash' ? Promise.resolve(secret.value) : hashOfPlain(secret.value);
}

function usernameMatches(username: string): boolean {
  return timingSafeEqual(sha256(username.toLowerCase()), sha256(getConfig().auth.username));
}

/**
 * True only when the lower-cased username is the configured one and the password matches. The KDF
 * runs either way (on a dummy hash for an unknown username or when no password is set).
 */
export async function verifyLogin(username: string, password: string): Promise<boolean> {
  const knownUser = usernameMatches(username);
  const secret = readSecret();
  // Resolved even for an unknown username, so a plain password's one-time hashing shows no difference.
  const hash = secret.source === 'none' ? undefined : await encodedHashOf(secret);
  if (!knownUser || hash === undefined || password.length > PASSWORD_MAX_LENGTH) {
    return verifyDummyPassword(password.slice(0, PASSWORD_MAX_LENGTH));
  }
  return verifyPassword(password, hash);
}

function describeSecret(secret: Secret): string {
  switch (secret.source) {
    case 'file':
      return (
        `file: DASHBOARD_PASSWORD_FILE` +
        ` ${secret.file} (${secret.form === 'hash' ? 'scrypt hash' : 'plain password'}, read at each login)`
      );
    case 'env':
      return 'env: DASHBOARD_PASSWORD';
    case 'store':
      return `store: the hash saved by npm run set-password on ${new Date(secret.setAt).toISOString()}`;
    case 'none':
      return 'none: no password is set; a one-time login link is printed at start (set one with npm run set-password)';
  }
}

// A fixed salt keeps the fingerprint of a plain password stable across restarts; scrypt keeps a copy
// of the store from being a fast oracle for guessing it.
const FINGERPRINT_SALT = 'mastodash credential fingerprint v1';
let plainFingerprintCache: { digest: Buffer; fingerprint: string } | undefined;

function fingerprintOfPlain(password: string): string {
  const digest = sha256(password);
  if (plainFingerprintCache === undefined || !timingSafeEqual(plainFingerprintCache.digest, digest)) {
    const key = scryptSync(password.normalize('NFC'), FINGERPRINT_SALT, 32, {
      ...SCRYPT_PARAMS,
      maxmem: SCRYPT_MAX_MEMORY,
    });
    plainFingerprintCache = { digest, fingerprint: `plain:${createHash('sha256').update(key).digest('hex')}` };
  }
  return plainFingerprintCache.fingerprint;
}

/**
 * Identifies the credential logins use now, never revealing it: a changed password, hash, file
 * content or source gives another value. Throws AppError like adminCredential().
 */
export function credentialFingerprint(): string {
  const secret = readSecret();
  if (secret.source === 'none') return 'none';
  if (secret.form === 'hash') return `hash:${sha256(secret.value).toString('hex')}`;
  return fingerprintOfPlain(secret.value);
}

/**
 * Ends every session and unused login link when the credential differs from the one they were
 * opened with (recorded in the store). Called before a session or link is made or used, so a new
 * password, DASHBOARD_PASSWORD or password file takes effect at the next request, restart or not.
 * Returns how many sessions it ended.
 */
export function endSessionsOfOldCredential(now: number = Date.now()): number {
  const fingerprint = credentialFingerprint();
  const db = store();
  const recorded = db.prepare<[], { fingerprint: string }>('SELECT fingerprint FROM credential_epoch WHERE id = 1');
  // The common case reads only; the write lock is taken when the credential changed.
  if (recorded.get()?.fingerprint === fingerprint) return 0;
  return db
    .transaction(() => {
      const row = recorded.get();
      if (row?.fingerprint === fingerprint) return 0;
      db.prepare(
        `INSERT INTO credential_epoch (id, fingerprint, changed_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, changed_at = excluded.changed_at`,
      ).run(fingerprint, now);
      // The first fingerprint (a new store, or one from before this check) ends nothing: nothing is known to be older.
      if (row === undefined) return 0;
      db.prepare('DELETE FROM login_links WHERE used_at IS NULL').run();
      return db.prepare('DELETE FROM sessions').run().changes;
    })
    .immediate();
}

/** One line for the start-up log and the CLI's status: which source logins use, never the secret. */
export function describeCredentialSource(): string {
  try {
    return describeSecret(readSecret());
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const { passwordFile, password } = getConfig().auth;
    const source = passwordFile !== undefined ? 'file' : password !== undefined ? 'env' : 'store';
    return `${source}: ${inEnglish(error.detail)}`;
  }
}

/** Stores the hash of a new admin password (npm run set-password). A file or env password still wins. */
export async function saveAdminPassword(password: string, now: number = Date.now()): Promise<void> {
  const checked = newPasswordSchema.safeParse(password);
  if (!checked.success) {
    throw new AppError(
      'invalid_input',
      'Password not accepted',
      `The password ${checked.error.issues[0]?.message ?? 'is invalid'}.`,
    );
  }
  const hash = await hashPassword(checked.data);
  store()
    .prepare(
      `INSERT INTO admin_password (id, hash, set_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at`,
    )
    .run(hash, now);
}
