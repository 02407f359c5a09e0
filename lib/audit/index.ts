import 'server-only';

import { z } from 'zod';

import { AppError } from '../errors';
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
import { redactParams, redactText, type JsonObject } from './redact';

/**
 * The audit log (security.md §4.1): append-only rows in the store, fail closed. A privileged action
 * writes 'started' before it runs and is refused when that write fails; its outcome is written after.
 * Every finished record is also printed to stdout for journald. Failures that anyone can repeat at will
 * (auditRepeated) collapse into one counted row and one stdout line per window, so that a flood of bad
 * logins cannot fill the disk.
 */

export { AUDIT_ACTIONS, AUDIT_OUTCOMES, auditActionSchema, auditOutcomeSchema };
export type { AuditAction, AuditOutcome };
export type { JsonObject, JsonValue } from './redact';

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
  /** 'started' in this run of the dashboard: still in progress (a 'started' record of an earlier run was interrupted). */
  running: boolean;
  error: string | null;
  durationMs: number | null;
  finishedAt: string | null;
  /** How many times this happened: above 1 for a counted row, from startedAt (the first) to finishedAt (the last). */
  count: number;
}

interface AuditRow {
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

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const INTERRUPTED_ERROR = 'The dashboard stopped while this ran (crash, kill or restart).';
const MAX_ACTOR = 100;
const MAX_TARGET = 200;
const MAX_ERROR = 1000;
// Long enough to tell sessions apart; short enough that a raw session id passed by mistake is not usable.
const MAX_SESSION_REF = 16;
const WRITE_FIX =
  'Check that DATA_DIR exists, belongs to the user the dashboard runs as, is not mounted read-only, and that its disk has free space. Nothing was run.';

/** The cause of a store failure in plain words, from SQLite's or Node's error code. */
function describeStoreFailure(error: unknown): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS')
    return 'The store is read-only (DATA_DIR is mounted read-only, or the file belongs to another user).';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'The disk holding DATA_DIR is full.';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return 'Another process kept the store locked for more than 5 seconds.';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EPERM')
    return 'The store file cannot be opened (missing directory or permission denied).';
  if (code.startsWith('SQLITE_IOERR')) return 'The disk returned an input/output error while writing the store.';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'The store file is damaged.';
  if (/not open/i.test(message)) return 'The store is closed.';
  return `The store refused the write (${redactText(code ? `${code}: ${message}` : message)}).`;
}

function unavailable(verb: 'written' | 'read', error: unknown): AppError {
  const detail = describeStoreFailure(error);
  console.error(`[audit] the audit log cannot be ${verb}: ${detail}`);
  return new AppError('audit_unavailable', `The audit log cannot be ${verb}`, detail, WRITE_FIX);
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
      `INSERT INTO audit_log (started_at, boot_id, session, actor, action, target, params, outcome, error, duration_ms, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    finish: db.prepare<[string, string | null, number, number, number]>(
      `UPDATE audit_log SET outcome = ?, error = ?, duration_ms = ?, finished_at = ? WHERE id = ?`,
    ),
    byId: db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE id = ?'),
    interrupt: db.prepare<[string, number, string], AuditRow>(
      `UPDATE audit_log SET outcome = 'interrupted', error = ?, finished_at = ? WHERE outcome = 'started' AND boot_id <> ? RETURNING *`,
    ),
    openWindows: db.prepare<[number, string, string, string | null, string | null], AuditRow>(
      `SELECT * FROM audit_log WHERE window_ends_at > ? AND action = ? AND outcome = ? AND target IS ? AND error IS ? AND session IS NULL ORDER BY id`,
    ),
    openWindow: db.prepare<
      [string, number, number, number, number, string, string, string | null, string, string, string | null]
    >(
      `INSERT INTO audit_log (boot_id, started_at, finished_at, window_ends_at, repeat_count, actor, action, target, params, outcome, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    countRepeat: db.prepare<[number, number]>(
      `UPDATE audit_log SET repeat_count = repeat_count + 1, finished_at = max(finished_at, ?) WHERE id = ?`,
    ),
  };
}

// Prepared once per store (tests swap the store).
const prepared = new WeakMap<Store, ReturnType<typeof statements>>();
function sql(): ReturnType<typeof statements> {
  const db = store();
  let result = prepared.get(db);
  if (!result) {
    result = statements(db);
    prepared.set(db, result);
  }
  return result;
}

function duration(ms: number | undefined): number | null {
  return ms === undefined || !Number.isFinite(ms) ? null : Math.max(0, Math.round(ms));
}

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

function parseParams(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
  } catch {
    return { '[unreadable]': true };
  }
}

function toView(row: AuditRow, currentBoot: string): AuditRecordView {
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
function printRecord(row: AuditRow): void {
  const { running: _running, ...record } = toView(row, row.boot_id);
  console.log(`[audit] ${JSON.stringify(record)}`);
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
      `[audit] cannot record outcome '${result.outcome}' of audit record ${id}: ${error instanceof Error ? error.message : String(error)}`,
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

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

function select(filter: AuditFilter, limit: number): AuditRow[] {
  const where: string[] = [];
  const values: (string | number)[] = [];
  if (filter.action !== undefined) {
    where.push('action = ?');
    values.push(filter.action);
  }
  if (filter.outcome !== undefined) {
    where.push('outcome = ?');
    values.push(filter.outcome);
  }
  if (filter.beforeId !== undefined) {
    where.push('id < ?');
    values.push(filter.beforeId);
  }
  const text = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  try {
    return store()
      .prepare<(string | number)[], AuditRow>(text)
      .all(...values, limit);
  } catch (error) {
    throw unavailable('read', error);
  }
}

/** Records newest first (by id). `limit` defaults to 100, at most 500; `beforeId` pages to older records. */
export function listAudit(filter: AuditFilter): AuditRecordView[] {
  const current = bootId();
  return select(filter, clampLimit(filter.limit)).map((row) => toView(row, current));
}

const CSV_COLUMNS = [
  'id',
  'started_at',
  'finished_at',
  'actor',
  'session',
  'action',
  'target',
  'outcome',
  'error',
  'duration_ms',
  'params',
  'count',
] as const;

/*
 * A would-be cell that starts like a formula: at the field's start, or right after a `;` or `|`, where a
 * spreadsheet in a `;` locale (German, French, …) or a `|`-split import cuts the line. Starters: `= + - @`,
 * tab and CR (OWASP's list: some importers drop the whitespace and read what follows), and the full-width
 * `＝ ＋ － ＠` that some spreadsheets fold to ASCII. Spaces before the starter count, for importers that trim.
 */
const FORMULA_CELL = /(^|[;|])(?=[ ]*[=+\-@\t\r＝＋－＠])/gu;

/**
 * One CSV field: every would-be cell that starts like a formula gets a leading `'`, then the field is
 * always quoted (quotes doubled), so no separator or line break inside it can start a new cell.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '""';
  const text = typeof value === 'string' ? value.replace(FORMULA_CELL, "$1'") : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * RFC 4180 CSV (CRLF line ends, header line) of the records matching the filter, newest first.
 * Without `limit` it exports every matching record, since an export that silently stops is no audit.
 */
export function auditCsv(filter: AuditFilter): string {
  const current = bootId();
  const rows: AuditRecordView[] = [];
  if (filter.limit !== undefined) {
    rows.push(...listAudit(filter));
  } else {
    let beforeId = filter.beforeId;
    for (;;) {
      const page = select({ ...filter, beforeId }, MAX_LIMIT);
      rows.push(...page.map((row) => toView(row, current)));
      if (page.length < MAX_LIMIT) break;
      beforeId = page[page.length - 1]!.id;
    }
  }
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of rows) {
    lines.push(
      [
        record.id,
        record.startedAt,
        record.finishedAt,
        record.actor,
        record.session,
        record.action,
        record.target,
        record.running ? 'running' : record.outcome,
        record.error,
        record.durationMs,
        JSON.stringify(record.params),
        record.count,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** One query value: absent or blank means "any"; given twice is a mistake rather than a silent pick. */
function queryValue(name: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, context) => {
      const given = (value === undefined ? [] : Array.isArray(value) ? value : [value])
        .map((v) => v.trim())
        .filter(Boolean);
      if (given.length > 1) {
        context.addIssue({ code: 'custom', message: `Give "${name}" only once.` });
        return z.NEVER;
      }
      return given[0];
    });
}

const shown = (input: unknown) => JSON.stringify(String(input).slice(0, 60));

/** The page's and the export's URL query (?action=&outcome=&beforeId=). */
export const auditQuerySchema = z.object({
  action: queryValue('action').pipe(
    z
      .enum(AUDIT_ACTIONS, { error: (issue) => `Unknown action ${shown(issue.input)}. Choose one from the list.` })
      .optional(),
  ),
  outcome: queryValue('outcome').pipe(
    z
      .enum(AUDIT_OUTCOMES, { error: (issue) => `Unknown outcome ${shown(issue.input)}. Choose one from the list.` })
      .optional(),
  ),
  beforeId: queryValue('beforeId').pipe(
    z
      .string()
      .regex(/^[1-9][0-9]{0,14}$/, '"beforeId" must be a record number (a positive whole number).')
      .transform(Number)
      .optional(),
  ),
});

export type AuditQueryResult = { ok: true; filter: AuditFilter } | { ok: false; problems: string[] };

/** Validates the URL query of the audit page and export; unknown values become readable problems, not crashes. */
export function parseAuditQuery(
  query: Record<string, string | string[] | undefined> | URLSearchParams,
): AuditQueryResult {
  const raw =
    query instanceof URLSearchParams
      ? Object.fromEntries([...new Set(query.keys())].map((key) => [key, query.getAll(key)]))
      : query;
  const parsed = auditQuerySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
  const filter: AuditFilter = {};
  if (parsed.data.action !== undefined) filter.action = parsed.data.action;
  if (parsed.data.outcome !== undefined) filter.outcome = parsed.data.outcome;
  if (parsed.data.beforeId !== undefined) filter.beforeId = parsed.data.beforeId;
  return { ok: true, filter };
}
