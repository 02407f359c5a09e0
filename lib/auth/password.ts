import 'server-only';

/**
 * Password hashing with Node's built-in scrypt (argon2 would need a native package on Node 20).
 * Hashes describe their own parameters, `scrypt$N=131072,r=8,p=1$<salt>$<key>`, so the cost can be
 * raised later without invalidating stored hashes; parsing bounds them, so a hostile hash cannot
 * make one verification take minutes or gigabytes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import { AppError } from '../errors';
import { text, type Text } from '../i18n/text';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** The one rule for a new admin password, shared by the CLI and the forms. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation; about 128 MiB and a few hundred milliseconds per hash. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs; this is also the ceiling for parsed hashes.
export const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;
const BOUNDS = {
  logN: { min: 14, max: 18 },
  r: { min: 1, max: 16 },
  p: { min: 1, max: 4 },
  bytes: { min: 16, max: 64 },
};
// At most four times the work of SCRYPT_PARAMS.
const MAX_WORK = 4 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r * SCRYPT_PARAMS.p;

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const HASH_PATTERN = /^scrypt\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function invalidHash(detail: Text): AppError {
  return new AppError(
    'invalid_input',
    text('auth.errors.hash.title'),
    detail,
    text('auth.errors.hash.fix', { command: 'npm run set-password', key: 'DASHBOARD_PASSWORD_FILE' }),
  );
}

type HashPart = 'salt' | 'key';

function decodeBase64(base64: string, what: HashPart): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  // Buffer.from skips characters it does not understand; a round trip catches that.
  if (bytes.toString('base64') !== base64) throw invalidHash(text('auth.errors.hash.notCanonical', { part: what }));
  if (bytes.length < BOUNDS.bytes.min || bytes.length > BOUNDS.bytes.max) {
    throw invalidHash(
      text('auth.errors.hash.byteCount', { part: what, min: String(BOUNDS.bytes.min), max: String(BOUNDS.bytes.max) }),
    );
  }
  return bytes;
}

function checkParams({ N, r, p }: ScryptParams): void {
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < BOUNDS.logN.min || logN > BOUNDS.logN.max) {
    throw invalidHash(text('auth.errors.hash.logN', { min: String(BOUNDS.logN.min), max: String(BOUNDS.logN.max) }));
  }
  if (r < BOUNDS.r.min || r > BOUNDS.r.max) {
    throw invalidHash(
      text('auth.errors.hash.range', { name: 'r', min: String(BOUNDS.r.min), max: String(BOUNDS.r.max) }),
    );
  }
  if (p < BOUNDS.p.min || p > BOUNDS.p.max) {
    throw invalidHash(
      text('auth.errors.hash.range', { name: 'p', min: String(BOUNDS.p.min), max: String(BOUNDS.p.max) }),
    );
  }
  if (N * r * p > MAX_WORK || scryptMemory({ N, r, p }) > SCRYPT_MAX_MEMORY) {
    throw invalidHash(text('auth.errors.hash.tooMuchWork'));
  }
}

// What OpenSSL checks against maxmem: the V array plus the p B blocks.
function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + 2 + p);
}

/** Parses an encoded hash; throws AppError('invalid_input') saying what is wrong (never echoing it). */
export function parsePasswordHash(encoded: string): ParsedHash {
  const trimmed = encoded.trim();
  if (trimmed.startsWith('$argon2')) {
    throw invalidHash(text('auth.errors.hash.argon2', { command: 'npm run set-password' }));
  }
  if (/^\$2[abxy]?\$/.test(trimmed))
    throw invalidHash(text('auth.errors.hash.bcrypt', { command: 'npm run set-password' }));
  const match = HASH_PATTERN.exec(trimmed);
  if (!match)
    throw invalidHash(text('auth.errors.hash.shape', { shape: 'scrypt$N=<n>,r=<r>,p=<p>$<salt base64>$<key base64>' }));
  const [, n = '', r = '', p = '', salt = '', key = ''] = match;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  checkParams(params);
  return { params, salt: decodeBase64(salt, 'salt'), key: decodeBase64(key, 'key') };
}

/** True when `text` is a well-formed scrypt hash this module can verify. */
export function isPasswordHash(text: string): boolean {
  try {
    parsePasswordHash(text);
    return true;
  } catch {
    return false;
  }
}

/** True when `text` is meant as a hash (scrypt, argon2 or bcrypt), well-formed or not, rather than a password. */
export function looksLikePasswordHash(text: string): boolean {
  return /^(scrypt\$|\$argon2|\$2[abxy]?\$)/.test(text.trim());
}

function deriveKey(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  // NFC so that the same password typed on different systems (composed or decomposed accents) matches.
  const input = Buffer.from(password.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(input, salt, keyLength, { ...params, maxmem: SCRYPT_MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function encode(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, SCRYPT_PARAMS, KEY_BYTES);
  return encode(SCRYPT_PARAMS, salt, key);
}

/**
 * Runs the KDF with the hash's own parameters and compares in constant time. Throws AppError for a
 * malformed or unsupported hash: that is a configuration problem, not a wrong password.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { params, salt, key } = parsePasswordHash(encoded);
  const derived = await deriveKey(password, salt, params, key.length);
  return timingSafeEqual(derived, key);
}

let dummyHash: string | undefined;

/**
 * Costs what verifying against a real hash costs, and always fails: run it for an unknown username
 * or when no password is set, so response time does not tell which usernames exist. The dummy is
 * random bytes in the hash format; no password derives to it (but the check cannot tell).
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= encode(SCRYPT_PARAMS, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
  await verifyPassword(password, dummyHash);
  return false;
}
