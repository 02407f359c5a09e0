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

function invalidHash(detail: string): AppError {
  return new AppError(
    'invalid_input',
    'Unusable password hash',
    detail,
    'Set the password again with npm run set-password, or put the plain password in DASHBOARD_PASSWORD_FILE.',
  );
}

function decodeBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  // Buffer.from skips characters it does not understand; a round trip catches that.
  if (bytes.toString('base64') !== text) throw invalidHash(`the ${what} is not canonical base64`);
  if (bytes.length < BOUNDS.bytes.min || bytes.length > BOUNDS.bytes.max) {
    throw invalidHash(`the ${what} must be ${BOUNDS.bytes.min} to ${BOUNDS.bytes.max} bytes`);
  }
  return bytes;
}

function checkParams({ N, r, p }: ScryptParams): void {
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < BOUNDS.logN.min || logN > BOUNDS.logN.max) {
    throw invalidHash(`N must be a power of two from 2^${BOUNDS.logN.min} to 2^${BOUNDS.logN.max}`);
  }
  if (r < BOUNDS.r.min || r > BOUNDS.r.max) throw invalidHash(`r must be from ${BOUNDS.r.min} to ${BOUNDS.r.max}`);
  if (p < BOUNDS.p.min || p > BOUNDS.p.max) throw invalidHash(`p must be from ${BOUNDS.p.min} to ${BOUNDS.p.max}`);
  if (N * r * p > MAX_WORK || scryptMemory({ N, r, p }) > SCRYPT_MAX_MEMORY) {
    throw invalidHash('its parameters ask for more work or memory than this dashboard allows');
  }
}

// What OpenSSL checks against maxmem: the V array plus the p B blocks.
function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + 2 + p);
}

/** Parses an encoded hash; throws AppError('invalid_input') saying what is wrong (never echoing it). */
export function parsePasswordHash(encoded: string): ParsedHash {
  const text = encoded.trim();
  if (text.startsWith('$argon2')) {
    throw invalidHash(
      'argon2 hashes are not supported (Node 20 has no built-in argon2); only scrypt hashes' +
        ' from npm run set-password are',
    );
  }
  if (/^\$2[abxy]?\$/.test(text))
    throw invalidHash('bcrypt hashes are not supported; only scrypt hashes from npm run set-password are');
  const match = HASH_PATTERN.exec(text);
  if (!match) throw invalidHash('expected scrypt$N=<n>,r=<r>,p=<p>$<salt base64>$<key base64>');
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
