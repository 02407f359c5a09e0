import 'server-only';

import { stat } from 'node:fs/promises';
import path from 'node:path';

import { listAudit } from '../audit';
import { getConfig } from '../config';
import { text } from '../i18n/text';
import { AppError } from '../errors';
import { listProjectContainers } from '../docker/containers';
import { projectContainerMounts, type MountView } from '../docker/mounts';
import { listBackups } from './store';
import {
  BACKUP_JOB,
  backupStatus,
  VERIFIED_BACKUP_MAX_AGE_MS,
  type BackupAttempt,
  type BackupDiskPlacement,
  type BackupStatus,
} from './status';

/**
 * The readings behind the backup detectors and the home page's line: BACKUP_DIR's records, the audit log's last
 * backup run, and where BACKUP_DIR and the database's data are stored.
 */

/** The newest finished backup run in the audit log (a dump that failed leaves no folder, only this). */
export function lastBackupAttempt(): BackupAttempt | undefined {
  const record = listAudit({ action: BACKUP_JOB, limit: 20 }).find((entry) => !entry.running);
  if (!record || record.outcome === 'started' || record.outcome === 'refused') return undefined;
  return {
    outcome: record.outcome,
    startedAt: record.startedAt,
    ...(record.error ? { error: record.error } : {}),
  };
}

export async function readBackupStatus(backupDir = getConfig().backups.dir): Promise<BackupStatus> {
  let backups;
  try {
    backups = await listBackups(backupDir);
  } catch (error) {
    throw new AppError(
      'upstream_failed',
      text('backups.errors.dirUnreadable.title'),
      text('backups.errors.dirUnreadable.detail', {
        dir: backupDir,
        reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message,
      }),
      text('backups.errors.dirUnreadable.fix'),
    );
  }
  return backupStatus(backups, lastBackupAttempt());
}

/** Where Postgres keeps its data in the official images (postgres:18 moved the mount point up one level). */
const DATA_MOUNTS = ['/var/lib/postgresql/data', '/var/lib/postgresql'];

export function databaseDataMount(mounts: readonly MountView[]): MountView | undefined {
  for (const destination of DATA_MOUNTS) {
    const found = mounts.find((mount) => mount.destination.replace(/\/+$/, '') === destination && mount.source);
    if (found) return found;
  }
  return undefined;
}

/** The device of a path, or of its nearest existing parent (BACKUP_DIR is created by the first backup). */
async function deviceOf(target: string): Promise<number> {
  let current = path.resolve(target);
  for (;;) {
    try {
      return (await stat(current)).dev;
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
}

/** Linux's dev_t as `major:minor`, as ls -l and /proc/self/mountinfo show it. */
export function formatDevice(dev: number): string {
  const big = BigInt(dev);
  const major = ((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn);
  const minor = (big & 0xffn) | ((big >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * Whether BACKUP_DIR is on the file system of the db service's data. Both are stat'ed as the dashboard sees them, so
 * the answer is "unknown" when the data's host path cannot be reached from here (the dashboard in a container, or a
 * named volume under /var/lib/docker that its user may not enter). Docker failures are thrown.
 */
export async function backupDiskPlacement(backupDir = getConfig().backups.dir): Promise<BackupDiskPlacement> {
  const db = (await listProjectContainers()).find((container) => container.service === 'db');
  if (!db) return { state: 'unknown', why: 'the project has no db service' };
  const mounts = await projectContainerMounts(db.id);
  const data = mounts ? databaseDataMount(mounts) : undefined;
  if (!data) return { state: 'unknown', why: `${db.name} mounts nothing at /var/lib/postgresql` };
  let dataDevice: number;
  try {
    dataDevice = (await stat(data.source)).dev;
  } catch (error) {
    return { state: 'unknown', why: `${data.source} cannot be read here (${(error as NodeJS.ErrnoException).code})` };
  }
  let backupDevice: number;
  try {
    backupDevice = await deviceOf(backupDir);
  } catch (error) {
    return { state: 'unknown', why: `${backupDir} cannot be read (${(error as NodeJS.ErrnoException).code})` };
  }
  if (backupDevice !== dataDevice) return { state: 'different' };
  return { state: 'same', backupDir, dataPath: data.source, device: formatDevice(dataDevice) };
}

/** The home page's line: how old the last verified backup is ("5 h ago" is formatted by the page). */
export type LastBackupLine =
  | { state: 'recent' | 'old'; verifiedAtMs: number; nowMs: number }
  | { state: 'none'; any: boolean }
  | { state: 'unknown' };

export async function readLastBackupLine(nowMs = Date.now()): Promise<LastBackupLine> {
  try {
    const status = await readBackupStatus();
    if (!status.lastVerified) return { state: 'none', any: status.count > 0 };
    const verifiedAtMs = Date.parse(status.lastVerified.startedAt);
    return { state: nowMs - verifiedAtMs > VERIFIED_BACKUP_MAX_AGE_MS ? 'old' : 'recent', verifiedAtMs, nowMs };
  } catch {
    return { state: 'unknown' };
  }
}
