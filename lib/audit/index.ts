import 'server-only';

import { processSingleton } from '../process/singleton';
import { bootId, store, type Store } from '../store';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  auditActionSchema,
  auditOutcomeSchema,
  type AuditAction,
  type AuditOutcome,
} from './actions';
import {
  duration,
  INTERRUPTED_ERROR,
  MAX_ACTOR,
  MAX_ERROR,
  MAX_SESSION_REF,
  MAX_TARGET,
  printRecord,
  sql,
  unavailable,
  type AuditEntry,
  type AuditRow,
  type FinishedOutcome,
} from './records';
import { redactParams, redactText } from './redact';

/**
 * The audit log (docs/design.md, "The audit log stays bounded"): append-only rows in the store, fail
 * closed. A privileged action writes 'started' before it runs and is refused when that write fails; its
 * outcome is written after. Every finished record is also printed to stdout for journald. Failures that
 * anyone can repeat at will (auditRepeated) collapse into one counted row and one stdout line per window,
 * so that a flood of bad logins cannot fill the disk.
 *
 * This file writes records; reading lives in read.ts, the CSV export in csv.ts, the page's URL query in
 * query.ts, and what they share (row shape, statements, store failures) in records.ts. Importers use this
 * file only.
 */

export { AUDIT_ACTIONS, AUDIT_OUTCOMES, auditActionSchema, auditOutcomeSchema };
export type { AuditAction, AuditOutcome };
export type { JsonObject, JsonValue } from './redact';
export type { AuditEntry, AuditFilter, AuditRecordView, FinishedOutcome } from './records';
export { DEFAULT_LIMIT, listAudit, MAX_LIMIT } from './read';
export { auditCsv, csvField } from './csv';
export { auditQuerySchema, parseAuditQuery, type AuditQueryResult } from './query';

function insert(
  entry: AuditEntry,
  outcome: AuditOutcome,
  finished?: { error?: string; durationMs?: number },
): AuditRow {
  const now = Date.now();
  const durationMs = duration(finished?.durationMs);
  const params = JSON.stringify(redactParams(entry.params ?? {}));
  try {
    const { lastInsertRowid } = sql().insert.run(
      finished ? now - (durationMs ?? 0) : now,
      bootId(),
      entry.session === undefined ? null : entry.session.slice(0, MAX_SESSION_REF),
      redactText(entry.actor, MAX_ACTOR),
      entry.action,
      entry.target === undefined ? null : redactText(entry.target, MAX_TARGET),
      params,
      outcome,
      finished?.error === undefined ? null : redactText(finished.error, MAX_ERROR),
      finished ? durationMs : null,
      finished ? now : null,
    );
    return sql().byId.get(Number(lastInsertRowid))!;
  } catch (error) {
    throw unavailable('written', error);
  }
}

/**
 * Records that a privileged action is about to run and returns the record's id for auditFinish.
 * Throws AppError 'audit_unavailable' when the record cannot be written: the caller must then refuse
 * the action (fail closed).
 */
export function auditStart(entry: AuditEntry): number {
  return insert(entry, 'started').id;
}

/** Writes the outcome of a started record. Never throws: the action already ran; a failure goes to stderr. */
export function auditFinish(
  id: number,
  result: { outcome: FinishedOutcome; error?: string; durationMs: number },
): void {
  try {
    const { changes } = sql().finish.run(
      result.outcome,
      result.error === undefined ? null : redactText(result.error, MAX_ERROR),
      duration(result.durationMs) ?? 0,
      Date.now(),
      id,
    );
    const row = changes === 1 ? sql().byId.get(id) : undefined;
    if (!row) {
      console.error(`[audit] cannot record the outcome of audit record ${id}: there is no such record`);
      return;
    }
    printRecord(row);
  } catch (error) {
    console.error(
      `[audit] cannot record outcome '${result.outcome}' of audit record` +
        ` ${id}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Records something that happened at once (a login, a refused request) as one complete record.
 * Throws AppError 'audit_unavailable' like auditStart, so a login can be refused when it cannot be audited.
 */
export function auditEvent(
  entry: AuditEntry & { outcome: FinishedOutcome; error?: string; durationMs?: number },
): number {
  const row = insert(entry, entry.outcome, { error: entry.error, durationMs: entry.durationMs });
  printRecord(row);
  return row.id;
}

/** How long a counted row takes repeats: "login failed × 240 between 10:02 and 10:07". */
export const REPEAT_WINDOW_MS = 5 * 60_000;
/**
 * Distinct actors (attempted usernames) that get a counted row of their own per window and kind of
 * failure; attempts under further names are counted together under OTHER_ACTORS, so that guessing a
 * new username each time cannot make a row per guess.
 */
export const MAX_ACTORS_PER_WINDOW = 10;
export const OTHER_ACTORS = '(other usernames)';

export interface RepeatedEntry {
  actor: string;
  action: AuditAction;
  outcome: 'failed' | 'refused';
  /** Part of what makes two failures "the same": keep it free of times and counters. */
  error: string;
  target?: string;
}

type PendingLines = Map<number, { db: Store; timer: NodeJS.Timeout }>;

function pendingLines(): PendingLines {
  return processSingleton<PendingLines>('auditPendingLines', () => {
    // A stop inside a window still prints its line; better-sqlite3 and stdout to a pipe are synchronous.
    process.once('exit', flushRepeatedLines);
    return new Map();
  });
}

function printWhenClosed(db: Store, id: number, windowEndsAt: number, now: number): void {
  const pending = pendingLines();
  const timer = setTimeout(() => printPending(id), Math.max(0, windowEndsAt - now));
  timer.unref();
  pending.set(id, { db, timer });
}

function printPending(id: number): void {
  const pending = pendingLines();
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  clearTimeout(entry.timer);
  try {
    const row = entry.db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE id = ?').get(id);
    if (row) printRecord(row);
  } catch (error) {
    console.error(
      `[audit] cannot print counted record ${id}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Prints the stdout line of every counted row whose window is still open (at exit, and for tests). */
export function flushRepeatedLines(): void {
  for (const id of [...pendingLines().keys()]) printPending(id);
}

/**
 * Records a failure anyone can repeat at will (a wrong password, a bad login link, an attempt refused
 * during back-off) as one counted row per REPEAT_WINDOW_MS and kind of failure: the first makes the
 * row, each further one in the window adds exactly one to its count and moves its last time. The
 * row's stdout line is printed once, when its window closes. Throws AppError 'audit_unavailable' like
 * auditEvent, so an attempt that cannot be counted is refused.
 */
export function auditRepeated(entry: RepeatedEntry, now: number = Date.now()): { id: number; count: number } {
  const db = store();
  const target = entry.target === undefined ? null : redactText(entry.target, MAX_TARGET);
  const reason = redactText(entry.error, MAX_ERROR);
  const attempted = redactText(entry.actor, MAX_ACTOR);
  try {
    const result = db
      .transaction((): { id: number; count: number; opened: boolean } => {
        const open = sql().openWindows.all(now, entry.action, entry.outcome, target, reason);
        const named = open.filter((candidate) => candidate.actor !== OTHER_ACTORS);
        const actor =
          named.some((candidate) => candidate.actor === attempted) || named.length < MAX_ACTORS_PER_WINDOW
            ? attempted
            : OTHER_ACTORS;
        const row = open.find((candidate) => candidate.actor === actor);
        if (row) {
          sql().countRepeat.run(now, row.id);
          return { id: row.id, count: row.repeat_count + 1, opened: false };
        }
        const { lastInsertRowid } = sql().openWindow.run(
          bootId(),
          now,
          now,
          now + REPEAT_WINDOW_MS,
          1,
          actor,
          entry.action,
          target,
          '{}',
          entry.outcome,
          reason,
        );
        return { id: Number(lastInsertRowid), count: 1, opened: true };
      })
      .immediate();
    if (result.opened) printWhenClosed(db, result.id, now + REPEAT_WINDOW_MS, now);
    return { id: result.id, count: result.count };
  } catch (error) {
    throw unavailable('written', error);
  }
}

/** At start-up: every record still 'started' by an earlier run becomes 'interrupted'. Returns how many. */
export function markInterruptedRecords(): number {
  let rows: AuditRow[];
  try {
    rows = sql().interrupt.all(INTERRUPTED_ERROR, Date.now(), bootId());
  } catch (error) {
    throw unavailable('written', error);
  }
  for (const row of rows) printRecord(row);
  return rows.length;
}
