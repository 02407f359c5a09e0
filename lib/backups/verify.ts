import 'server-only';

import { createReadStream } from 'node:fs';
import path from 'node:path';

import type pg from 'pg';

import { AppError } from '../errors';
import { text, type Text } from '../i18n/text';
import type { JobProgress } from '../jobs';
import { BACKUP_FILES, type BackupRecord } from './layout';
import { scratchDatabaseName } from './pg-commands';
import { checkBackupIntegrity, recordVerification } from './store';
import type { BackupSource } from './take';

/** The tables whose rows a restored backup must hold, as Mastodon names them. */
export const VERIFIED_TABLES = ['accounts', 'users', 'statuses', 'media_attachments'] as const;
export type TableCounts = Record<(typeof VERIFIED_TABLES)[number], number>;

export interface VerifyDeps {
  /** A connection to another database of the same server, as the dashboard's role (lib/postgres). */
  connect: (database: string) => Promise<pg.Client>;
  /** Mastodon's live database, to count against. */
  liveDatabase: string;
  progress: JobProgress;
  timeoutMs: number;
  now?: () => Date;
}

export type Verification = BackupRecord['verification'];

// Postgres's SQLSTATE for "permission denied" (CREATE DATABASE without CREATEDB).
const INSUFFICIENT_PRIVILEGE = '42501';

async function countRows(client: pg.Client): Promise<TableCounts> {
  const counts = {} as TableCounts;
  for (const table of VERIFIED_TABLES) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Counts Mastodon's main tables in one database: the live one before a dump, the scratch one after a restore. */
export async function countTables(connect: VerifyDeps['connect'], database: string): Promise<TableCounts> {
  const client = await connect(database);
  try {
    return await countRows(client);
  } finally {
    await client.end();
  }
}

/**
 * Which tables the restore got wrong. Rows may have been written or removed between the dump and now, so a count
 * between the live counts taken before and after the restore is right; one outside both is not.
 */
export function countMismatches(restored: TableCounts, before: TableCounts, after: TableCounts): Text[] {
  return VERIFIED_TABLES.filter((table) => {
    const low = Math.min(before[table], after[table]);
    const high = Math.max(before[table], after[table]);
    return restored[table] < low || restored[table] > high;
  }).map((table) =>
    text('backups.verify.mismatch', {
      table,
      restored: restored[table],
      before: before[table],
      after: after[table],
    }),
  );
}

/** Texts joined with "; ", in the reader's language (a list of Texts cannot be joined as strings). */
function semicolonList(items: readonly Text[]): Text | string {
  const [first, ...rest] = items;
  if (!first) return '';
  return rest.length === 0 ? first : text('backups.verify.semicolon', { first, rest: semicolonList(rest) });
}

/**
 * Proves a backup restores: its checksums, then `pg_restore` (where `source.tools` runs it) into a scratch database
 * `mastodash_verify_<time>` on the same server, the rows of Mastodon's main tables counted against the live
 * database, and the scratch database dropped whatever happened. The outcome is written into backup.json.
 */
export async function verifyBackup(
  source: BackupSource,
  backupDir: string,
  record: BackupRecord,
  deps: VerifyDeps,
): Promise<Verification> {
  const now = deps.now ?? (() => new Date());
  const outcome = await verifyOnce(source, backupDir, record, deps, now);
  await recordVerification(backupDir, record.name, { ...outcome, at: now().toISOString() });
  return outcome;
}

async function verifyOnce(
  source: BackupSource,
  backupDir: string,
  record: BackupRecord,
  deps: VerifyDeps,
  now: () => Date,
): Promise<Omit<Verification, 'at'>> {
  deps.progress({ step: text('backups.progress.checksums') });
  try {
    await checkBackupIntegrity(backupDir, record.name);
  } catch (error) {
    if (error instanceof AppError) {
      return { state: 'failed', detail: text('errors.joined', { title: error.title, detail: error.detail }) };
    }
    throw error;
  }
  const scratch = scratchDatabaseName(now());
  const admin = await deps.connect(deps.liveDatabase);
  try {
    deps.progress({ step: text('backups.progress.creatingScratch'), detail: scratch });
    try {
      await admin.query(`CREATE DATABASE ${scratch}`);
    } catch (error) {
      if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) {
        return {
          state: 'not_verified',
          detail: text('backups.verify.notVerified', { role: source.dbUser }),
        };
      }
      throw error;
    }
    const before =
      (record.liveCountsBeforeDump as TableCounts | undefined) ?? (await countTables(deps.connect, deps.liveDatabase));
    deps.progress({ step: text('backups.progress.restoringScratch'), detail: scratch });
    const restored = await source.tools.restore(
      { user: source.dbUser, database: scratch },
      createReadStream(path.join(backupDir, record.name, BACKUP_FILES.database)),
      deps.timeoutMs,
    );
    if (restored.exitCode !== 0) {
      const message = restored.stderr.trim().split('\n').at(-1) ?? 'no message';
      return {
        state: 'failed',
        detail: text('backups.verify.restoreFailed', { code: String(restored.exitCode), message }),
      };
    }
    deps.progress({ step: text('backups.progress.countingRows') });
    const counts = await countTables(deps.connect, scratch);
    const after = await countTables(deps.connect, deps.liveDatabase);
    const wrong = countMismatches(counts, before, after);
    if (wrong.length > 0) {
      return { state: 'failed', detail: text('backups.verify.rowsDiffer', { rows: semicolonList(wrong) }) };
    }
    const summary = VERIFIED_TABLES.map((table) => `${counts[table]} ${table}`).join(', ');
    return { state: 'verified', detail: text('backups.verify.restored', { scratch, summary }) };
  } finally {
    deps.progress({ step: text('backups.progress.droppingScratch'), detail: scratch });
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
