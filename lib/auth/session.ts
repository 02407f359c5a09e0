import 'server-only';

import { createHash, randomBytes } from 'node:crypto';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { store } from '../store';
import { endSessionsOfOldCredential } from './credentials';

/**
 * Server-side sessions: the browser holds a random id, the store holds only its SHA-256, so logout
 * and expiry take effect at once and a copy of the store opens no session.
 */
export const SESSION_COOKIE = 'mastodash_session';

export interface SessionRecord {
  idHash: string;
  username: string;
  createdAt: number;
  lastSeenAt: number;
  authenticatedAt: number;
  expiresAt: number;
}

interface SessionRow {
  id_hash: string;
  username: string;
  created_at: number;
  last_seen_at: number;
  authenticated_at: number;
  expires_at: number;
}

/** last_seen_at is written at most this often: a page with a live stream would otherwise write on every request. */
const TOUCH_EVERY_MS = 30_000;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** A short, non-secret reference to a session for the audit log. */
export function sessionRef(idHash: string): string {
  return idHash.slice(0, 10);
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    username: row.username,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    authenticatedAt: row.authenticated_at,
    expiresAt: row.expires_at,
  };
}

/** A new session for a successful login; the caller drops the old one, so the id rotates at login. */
export function createSession(username: string, now = Date.now()): { id: string; record: SessionRecord } {
  // Records the credential this login used, so that the new session is not taken for an older one.
  endSessionsOfOldCredential(now);
  const id = randomBytes(32).toString('base64url');
  const record: SessionRecord = {
    idHash: hashSessionId(id),
    username,
    createdAt: now,
    lastSeenAt: now,
    authenticatedAt: now,
    expiresAt: now + getConfig().auth.sessionMaxMs,
  };
  store()
    .prepare(
      `INSERT INTO sessions (id_hash, username, created_at, last_seen_at, authenticated_at, expires_at)
       VALUES (@idHash, @username, @createdAt, @lastSeenAt, @authenticatedAt, @expiresAt)`,
    )
    .run(record);
  store()
    .prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?')
    .run(now, now - getConfig().auth.sessionIdleMs);
  return { id, record };
}

/** The live session for this cookie value, or undefined when unknown, idle too long or past its lifetime. */
export function readSession(id: string | undefined, now = Date.now()): SessionRecord | undefined {
  if (!id || id.length > 128) return undefined;
  try {
    endSessionsOfOldCredential(now);
  } catch (error) {
    // An unreadable password file or stored hash: no session is trusted until the credential can be checked.
    if (error instanceof AppError) return undefined;
    throw error;
  }
  const idHash = hashSessionId(id);
  const row = store().prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as SessionRow | undefined;
  if (!row) return undefined;
  const { sessionIdleMs } = getConfig().auth;
  if (row.expires_at <= now || row.last_seen_at + sessionIdleMs <= now) {
    store().prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
    return undefined;
  }
  if (now - row.last_seen_at >= TOUCH_EVERY_MS) {
    try {
      store().prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, idHash);
      row.last_seen_at = now;
    } catch (error) {
      // Idle tracking is best effort; a store that cannot be written is reported by the audit log,
      // which refuses actions.
      console.error('[session] could not record activity:', (error as Error).message);
    }
  }
  return toRecord(row);
}

export function destroySession(idHash: string): void {
  store().prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

/** Ends every session. Returns how many. */
export function destroyAllSessions(): number {
  return store().prepare('DELETE FROM sessions').run().changes;
}

/** Password re-entered: dangerous actions are allowed again for REAUTH_MINUTES. */
export function markReauthenticated(idHash: string, now = Date.now()): void {
  store().prepare('UPDATE sessions SET authenticated_at = ?, last_seen_at = ? WHERE id_hash = ?').run(now, now, idHash);
}

export function isRecentlyAuthenticated(record: SessionRecord, now = Date.now()): boolean {
  return now - record.authenticatedAt < getConfig().auth.reauthMs;
}

export function sessionCookieOptions(secure: boolean, expiresAt: number) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure,
    expires: new Date(expiresAt),
  };
}
