import 'server-only';

/**
 * Keeps the store's audit log bounded without dropping anything silently: records older than
 * AUDIT_RETENTION_DAYS are first written to a CSV file in DATA_DIR/audit-archive (exactly what the
 * export gives for them), then removed from the store in one transaction, and the removal is itself
 * audited with its count and the file. The store's trigger refuses to delete a record whose id is not
 * covered by an audit_archives entry, so nothing else can remove one either.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

import { getConfig } from '../config';
import { processSingleton } from '../process/singleton';
import { store } from '../store';
import { auditCsv, auditFinish, auditStart } from './index';

export const ARCHIVE_DIR_NAME = 'audit-archive';
const DAY_MS = 86_400_000;
const RETENTION_CHECK_MS = 6 * 3_600_000;

export type PruneResult =
  { records: 0 } | { records: number; file: string; firstId: number; lastId: number; auditId: number };

interface PrunableRange {
  firstId: number;
  lastId: number;
  records: number;
}

/**
 * The oldest records that may go: a run of ids from the first, each finished (a running action stays),
 * last changed before the cutoff and with its counting window closed. A run, because the delete trigger
 * trusts every id up to the last archived one.
 */
function prunableRange(cutoff: number, now: number): PrunableRange | undefined {
  const db = store();
  const firstKept = db
    .prepare<[number, number], { id: number | null }>(
      `SELECT min(id) AS id FROM audit_log
       WHERE NOT (outcome <> 'started' AND finished_at IS NOT NULL AND finished_at < ?
                  AND (window_ends_at IS NULL OR window_ends_at <= ?))`,
    )
    .get(cutoff, now)!.id;
  const range = db
    .prepare<[number], { firstId: number | null; lastId: number | null; records: number }>(
      'SELECT min(id) AS firstId, max(id) AS lastId, count(*) AS records FROM audit_log WHERE id < ?',
    )
    .get(firstKept ?? Number.MAX_SAFE_INTEGER)!;
  if (range.firstId === null || range.lastId === null || range.records === 0) return undefined;
  return { firstId: range.firstId, lastId: range.lastId, records: range.records };
}

/** Writes the file whole or not at all (temporary name, fsync, rename, fsync of the directory). */
function writeDurably(file: string, text: string): void {
  const temporary = `${file}.partial`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function archiveFileName(range: PrunableRange, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return `audit-${stamp}-records-${range.firstId}-to-${range.lastId}.csv`;
}

/**
 * Archives, then removes, the records older than AUDIT_RETENTION_DAYS (none when it is 0). Throws
 * AppError 'audit_unavailable' when the removal cannot be audited; then nothing is removed.
 */
export function archiveAndPruneAudit(now: number = Date.now()): PruneResult {
  const { dataDir, audit } = getConfig();
  if (audit.retentionDays === 0) return { records: 0 };
  const cutoff = now - audit.retentionDays * DAY_MS;
  const range = prunableRange(cutoff, now);
  if (!range) return { records: 0 };

  const dir = path.join(dataDir, ARCHIVE_DIR_NAME);
  const file = path.join(dir, archiveFileName(range, now));
  const auditId = auditStart({
    actor: 'dashboard',
    action: 'audit.pruned',
    target: file,
    params: {
      records: range.records,
      firstId: range.firstId,
      lastId: range.lastId,
      olderThan: new Date(cutoff).toISOString(),
      retentionDays: audit.retentionDays,
    },
  });
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeDurably(file, auditCsv({ beforeId: range.lastId + 1 }));
    const db = store();
    db.transaction(() => {
      db.prepare(
        'INSERT INTO audit_archives (archived_at, first_id, last_id, records, file) VALUES (?, ?, ?, ?, ?)',
      ).run(now, range.firstId, range.lastId, range.records, file);
      const { changes } = db.prepare('DELETE FROM audit_log WHERE id <= ?').run(range.lastId);
      // The CSV was written from the same rows; a count that differs means a concurrent change, so keep them all.
      if (changes !== range.records) throw new Error(`expected to remove ${range.records} records, found ${changes}`);
    }).immediate();
  } catch (error) {
    auditFinish(auditId, {
      outcome: 'failed',
      error: error instanceof Error ? error.message : String(error),
      durationMs: Date.now() - now,
    });
    throw error;
  }
  auditFinish(auditId, { outcome: 'succeeded', durationMs: Date.now() - now });
  return { records: range.records, file, firstId: range.firstId, lastId: range.lastId, auditId };
}

function pruneAndReport(): void {
  try {
    const result = archiveAndPruneAudit();
    if (result.records > 0 && 'file' in result) {
      console.log(
        `Mastodash: archived ${result.records} audit record(s) older than ` +
          `${getConfig().audit.retentionDays} days to ${result.file}`,
      );
    }
  } catch (error) {
    // The records stay in the store; the next run tries again.
    console.error(
      `[audit] retention: old records were kept: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Runs the retention now and every 6 hours for the life of the process (the timer keeps nothing alive). */
export function scheduleAuditRetention(): void {
  processSingleton('auditRetentionTimer', () => {
    pruneAndReport();
    return setInterval(pruneAndReport, RETENTION_CHECK_MS).unref();
  });
}
