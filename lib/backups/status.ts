import type { ErrorText } from '../errors';
import { text } from '../i18n/text';
import type { BackupRecord, VerificationState } from './layout';

/**
 * What the home page, the attention list and the Backups page say about the backups as a whole: the last good
 * (verified) one, the newest one, and whether the last attempt failed. Pure: the caller reads BACKUP_DIR and the
 * audit log.
 */

/** The job (and audit action) of a backup run: "Back up now" and the schedule. */
export const BACKUP_JOB = 'backup.created';

/** A backup older than this no longer counts as recent: a daily schedule plus two hours of slack. */
export const VERIFIED_BACKUP_MAX_AGE_MS = 26 * 3_600_000;

export interface BackupSummary {
  name: string;
  startedAt: string;
  state: VerificationState;
  detail?: ErrorText;
}

/** The last finished "Back up now" or scheduled run, from the audit log (a failed dump leaves no folder). */
export interface BackupAttempt {
  outcome: 'succeeded' | 'failed' | 'interrupted';
  startedAt: string;
  error?: string;
}

export interface BackupStatus {
  count: number;
  newest?: BackupSummary;
  lastVerified?: BackupSummary;
  /** The last attempt, when it failed and left no backup newer than itself. */
  lastFailure?: { at: string; reason: ErrorText; kind: 'job' | 'verification' };
}

export function backupStatus(
  backups: readonly { name: string; record: BackupRecord | null }[],
  lastAttempt?: BackupAttempt,
): BackupStatus {
  const readable = backups
    .flatMap((backup) => (backup.record ? [backup.record] : []))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const summary = (record: BackupRecord): BackupSummary => ({
    name: record.name,
    startedAt: record.startedAt,
    state: record.verification.state,
    ...(record.verification.detail ? { detail: record.verification.detail } : {}),
  });
  const newest = readable[0] ? summary(readable[0]) : undefined;
  const verified = readable.find((record) => record.verification.state === 'verified');
  let lastFailure: BackupStatus['lastFailure'];
  if (
    lastAttempt &&
    lastAttempt.outcome !== 'succeeded' &&
    // A job that failed after writing its folder (during the verification) left that folder "pending".
    (!newest || Date.parse(lastAttempt.startedAt) > Date.parse(newest.startedAt) || newest.state === 'pending')
  ) {
    lastFailure = {
      at: lastAttempt.startedAt,
      kind: 'job',
      reason:
        lastAttempt.outcome === 'interrupted'
          ? text('backups.status.interrupted')
          : (lastAttempt.error ?? text('backups.status.noReason')),
    };
  } else if (newest?.state === 'failed') {
    lastFailure = {
      at: newest.startedAt,
      kind: 'verification',
      reason: newest.detail ?? text('backups.status.noReason'),
    };
  }
  return {
    count: backups.length,
    ...(newest ? { newest } : {}),
    ...(verified ? { lastVerified: summary(verified) } : {}),
    ...(lastFailure ? { lastFailure } : {}),
  };
}

/** Where BACKUP_DIR and the database's data live: the same file system, others, or not known. */
export type BackupDiskPlacement =
  | { state: 'same'; backupDir: string; dataPath: string; device: string }
  | { state: 'different' }
  | { state: 'unknown'; why: string };
