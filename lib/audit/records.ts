import 'server-only';

import { AppError } from '../errors';
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';
import { store, type Store } from '../store';
import type { AuditAction, AuditOutcome } from './actions';
import { redactText, type JsonObject } from './redact';

/*
 * What every part of the audit log shares: the record's shapes (row and view), the limits on its texts,
 * the prepared statements and the one translation of a store failure into AppError 'audit_unavailable'.
 */

export interface AuditEntry {
  /** The dashboard user, 'cli', or the attempted username of a failed login. */
  actor: string;
  /** SessionContext.sessionRef: a short reference, never the session id itself. */
  session?: string;
  action: AuditAction;
  target?: string;
  params?: Record<string, unknown>;
}

export type FinishedOutcome = 'succeeded' | 'failed' | 'refused';

export interface AuditFilter {
  action?: AuditAction;
  outcome?: AuditOutcome;
  limit?: number;
  beforeId?: number;
}

export interface AuditRecordView {
  id: number;
  startedAt: string;
  actor: string | null;
  session: string | null;
  action: string;
  target: string | null;
  params: JsonObject;
  outcome: AuditOutcome;
  /**
   * 'started' in this run of the dashboard: still in progress (a 'started' record of an earlier run was interrupted).
   */
  running: boolean;
  error: string | null;
  durationMs: number | null;
  finishedAt: string | null;
  /** How many times this happened: above 1 for a counted row, from startedAt (the first) to finishedAt (the last). */
  count: number;
}

export interface AuditRow {
  id: number;
  started_at: number;
  boot_id: string;
  session: string | null;
  actor: string | null;
  action: string;
  target: string | null;
  params: string;
  outcome: AuditOutcome;
  error: string | null;
  duration_ms: number | null;
  finished_at: number | null;
  repeat_count: number;
  window_ends_at: number | null;
}

export const INTERRUPTED_ERROR = 'The dashboard stopped while this ran (crash, kill or restart).';
export const MAX_ACTOR = 100;
export const MAX_TARGET = 200;
export const MAX_ERROR = 1000;
// Long enough to tell sessions apart; short enough that a raw session id passed by mistake is not usable.
export const MAX_SESSION_REF = 16;
/** The cause of a store failure in plain words, from SQLite's or Node's error code. */
function describeStoreFailure(error: unknown): Text {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return text('audit.errors.unavailable.readOnly');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return text('audit.errors.unavailable.full');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return text('audit.errors.unavailable.busy');
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EPERM')
    return text('audit.errors.unavailable.cantOpen');
  if (code.startsWith('SQLITE_IOERR')) return text('audit.errors.unavailable.ioError');
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return text('audit.errors.unavailable.corrupt');
  if (/not open/i.test(message)) return text('audit.errors.unavailable.closed');
  return text('audit.errors.unavailable.refused', { cause: redactText(code ? `${code}: ${message}` : message) });
}

export function unavailable(verb: 'written' | 'read', error: unknown): AppError {
  const detail = describeStoreFailure(error);
  console.error(`[audit] the audit log cannot be ${verb}: ${inEnglish(detail)}`);
  return new AppError(
    'audit_unavailable',
    text(verb === 'written' ? 'audit.errors.unavailable.titleWritten' : 'audit.errors.unavailable.titleRead'),
    detail,
    text('audit.errors.unavailable.fix'),
  );
}

/*
 * Writes use run(), never get() on a RETURNING statement: get() steps once and resets, and a COMMIT that
 * fails during the reset (a read-only or full disk) is swallowed while the row silently rolls back. That
 * would let an action run without its "started" record; the read-only store test catches it.
 */
function statements(db: Store) {
  return {
    insert: db.prepare<
      [
        number,
        string,
        string | null,
        string,
        string,
        string | null,
        string,
        string,
        string | null,
        number | null,
        number | null,
      ]
    >(
      `INSERT INTO audit_log (started_at, boot_id, session, actor, action, target, params, outcome, error,
                              duration_ms, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    finish: db.prepare<[string, string | null, number, number, number]>(
      `UPDATE audit_log SET outcome = ?, error = ?, duration_ms = ?, finished_at = ? WHERE id = ?`,
    ),
    byId: db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE id = ?'),
    interrupt: db.prepare<[string, number, string], AuditRow>(
      `UPDATE audit_log SET outcome = 'interrupted', error = ?, finished_at = ?
       WHERE outcome = 'started' AND boot_id <> ? RETURNING *`,
    ),
    openWindows: db.prepare<[number, string, string, string | null, string | null], AuditRow>(
      `SELECT * FROM audit_log
       WHERE window_ends_at > ? AND action = ? AND outcome = ? AND target IS ? AND error IS ? AND session IS NULL
       ORDER BY id`,
    ),
    openWindow: db.prepare<
      [string, number, number, number, number, string, string, string | null, string, string, string | null]
    >(
      `INSERT INTO audit_log (boot_id, started_at, finished_at, window_ends_at, repeat_count, actor, action, target,
                              params, outcome, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    countRepeat: db.prepare<[number, number]>(
      `UPDATE audit_log SET repeat_count = repeat_count + 1, finished_at = max(finished_at, ?) WHERE id = ?`,
    ),
  };
}

// Prepared once per store (tests swap the store).
const prepared = new WeakMap<Store, ReturnType<typeof statements>>();
export function sql(): ReturnType<typeof statements> {
  const db = store();
  let result = prepared.get(db);
  if (!result) {
    result = statements(db);
    prepared.set(db, result);
  }
  return result;
}

export function duration(ms: number | undefined): number | null {
  return ms === undefined || !Number.isFinite(ms) ? null : Math.max(0, Math.round(ms));
}

function parseParams(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
  } catch {
    return { '[unreadable]': true };
  }
}

export function toView(row: AuditRow, currentBoot: string): AuditRecordView {
  return {
    id: row.id,
    startedAt: new Date(row.started_at).toISOString(),
    actor: row.actor,
    session: row.session,
    action: row.action,
    target: row.target,
    params: parseParams(row.params),
    outcome: row.outcome,
    running: row.outcome === 'started' && row.boot_id === currentBoot,
    error: row.error,
    durationMs: row.duration_ms,
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    count: row.repeat_count,
  };
}

/** One JSON line per finished record, for journald; the row is already redacted. */
export function printRecord(row: AuditRow): void {
  const { running: _running, ...record } = toView(row, row.boot_id);
  console.log(`[audit] ${JSON.stringify(record)}`);
}
