import 'server-only';

/**
 * One-time login links, printed at start when no password is set. Only the SHA-256 of a token is
 * stored, so a copy of the store opens nothing; a token works once, until it expires, and only the
 * newest link is valid. A link ends with the credential it was printed under: once a password is
 * set, links printed before stop working.
 */
import { createHash, randomBytes } from 'node:crypto';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { store } from '../store';
import { endSessionsOfOldCredential } from './credentials';

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface LoginLink {
  token: string;
  expiresAt: number;
}

/** Creates a link token valid for LOGIN_LINK_MINUTES; older unused links stop working. */
export function createLoginLink(now: number = Date.now()): LoginLink {
  endSessionsOfOldCredential(now);
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = now + getConfig().auth.loginLinkMs;
  const db = store();
  db.transaction(() => {
    db.prepare('DELETE FROM login_links WHERE used_at IS NULL OR expires_at <= ?').run(now);
    db.prepare('INSERT INTO login_links (token_hash, created_at, expires_at) VALUES (?, ?, ?)').run(
      tokenHash(token),
      now,
      expiresAt,
    );
  }).immediate();
  return { token, expiresAt };
}

/** True exactly once for a valid, unexpired token; false for unknown, used, expired or malformed ones. */
export function consumeLoginLink(token: string, now: number = Date.now()): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  try {
    endSessionsOfOldCredential(now);
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
  // One conditional UPDATE: two requests racing with the same token cannot both win.
  const result = store()
    .prepare('UPDATE login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?')
    .run(now, tokenHash(token), now);
  return result.changes === 1;
}

/** Ends every unused link (set-password: a link printed before must not outlive the new password). Returns how many. */
export function revokeLoginLinks(): number {
  return store().prepare('DELETE FROM login_links WHERE used_at IS NULL').run().changes;
}
