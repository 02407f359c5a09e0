import 'server-only';

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { text, type Text } from '../i18n/text';
import { AppError } from '../errors';
import {
  CHECKSUM_FILE,
  PARTIAL_PREFIX,
  RECORD_FILE,
  parseBackupName,
  type BackupRecord,
  type VerificationState,
} from './layout';

/** A directory of BACKUP_DIR that is named like a backup: its record, or why it has none that can be read. */
export type StoredBackup = { name: string; record: BackupRecord } | { name: string; record: null; problem: Text };

function isRecord(value: unknown, name: string): value is BackupRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<BackupRecord>;
  return record.format === 1 && record.name === name && Array.isArray(record.files) && !!record.verification;
}

/** The backups in BACKUP_DIR, newest first. A missing folder has none; partial directories are never listed. */
export async function listBackups(backupDir: string): Promise<StoredBackup[]> {
  let names: string[];
  try {
    names = (await readdir(backupDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && parseBackupName(entry.name) !== null)
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  names.sort().reverse();
  return Promise.all(
    names.map(async (name): Promise<StoredBackup> => {
      try {
        const parsed: unknown = JSON.parse(await readFile(path.join(backupDir, name, RECORD_FILE), 'utf8'));
        if (isRecord(parsed, name)) return { name, record: parsed };
        return { name, record: null, problem: text('backups.problem.notRecord', { file: RECORD_FILE }) };
      } catch (error) {
        return {
          name,
          record: null,
          problem: text('backups.problem.unreadable', { file: RECORD_FILE, message: (error as Error).message }),
        };
      }
    }),
  );
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Reads every file SHA256SUMS lists and compares: a backup whose bytes changed since it was written (a bad disk, a
 * truncated copy, an edit) is caught here, before anyone restores it.
 */
export async function checkBackupIntegrity(backupDir: string, name: string): Promise<void> {
  const folder = path.join(backupDir, name);
  const sums = await readFile(path.join(folder, CHECKSUM_FILE), 'utf8');
  const lines = sums.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0)
    throw new AppError(
      'checksum_mismatch',
      text('backups.errors.damaged.title'),
      text('backups.errors.damaged.sumsEmpty', { file: CHECKSUM_FILE }),
    );
  for (const line of lines) {
    const match = /^([0-9a-f]{64}) {2}([^/\\]+)$/.exec(line);
    if (!match) {
      throw new AppError(
        'checksum_mismatch',
        text('backups.errors.damaged.title'),
        text('backups.errors.damaged.sumsMalformed', { file: CHECKSUM_FILE }),
      );
    }
    const [, expected, file] = match as unknown as [string, string, string];
    let actual: string;
    try {
      actual = await sha256Of(path.join(folder, file));
    } catch (error) {
      throw new AppError(
        'checksum_mismatch',
        text('backups.errors.damaged.title'),
        text('backups.errors.damaged.unreadable', {
          file,
          reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message,
        }),
      );
    }
    if (actual !== expected) {
      throw new AppError(
        'checksum_mismatch',
        text('backups.errors.damaged.title'),
        text('backups.errors.damaged.mismatch', { file }),
        text('backups.errors.damaged.fix'),
      );
    }
  }
}

/** Records a verification outcome in backup.json, replacing the file in one rename. */
export async function recordVerification(
  backupDir: string,
  name: string,
  verification: { state: VerificationState; detail?: Text | string; at: string },
): Promise<BackupRecord> {
  const file = path.join(backupDir, name, RECORD_FILE);
  const record = JSON.parse(await readFile(file, 'utf8')) as BackupRecord;
  const updated: BackupRecord = { ...record, verification };
  const temporary = `${file}.tmp`;
  await writeFile(temporary, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600, flush: true });
  await rename(temporary, file);
  return updated;
}

/**
 * Which backups retention removes: all but the newest `keep`, except that the newest verified backup always stays,
 * so that a run of backups that fail verification can never prune the last one known to restore. Unreadable
 * directories are left alone: the admin should see them.
 */
export function backupsToPrune(backups: readonly StoredBackup[], keep: number): string[] {
  const readable = backups.filter(
    (backup): backup is Extract<StoredBackup, { record: BackupRecord }> => !!backup.record,
  );
  const newestVerified = readable.find((backup) => backup.record.verification.state === 'verified')?.name;
  return readable
    .slice(keep)
    .map((backup) => backup.name)
    .filter((name) => name !== newestVerified);
}

export async function removeBackups(backupDir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (parseBackupName(name) === null) throw new Error(`refusing to remove ${name}: not a backup's name`);
    await rm(path.join(backupDir, name), { recursive: true, force: true });
  }
}

/** Removes what a killed backup left behind; returns the names it was writing. */
export async function removePartialBackups(backupDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(backupDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const partials = entries.filter((entry) => entry.startsWith(PARTIAL_PREFIX));
  for (const partial of partials) await rm(path.join(backupDir, partial), { recursive: true, force: true });
  return partials.map((partial) => partial.slice(PARTIAL_PREFIX.length));
}
