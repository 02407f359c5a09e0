import { VERIFIED_BACKUP_MAX_AGE_MS, type BackupDiskPlacement, type BackupStatus } from '../../backups/status';

export { BACKUP_JOB } from '../../backups/status';
import type { Found } from '../detector';

/**
 * Backups: no verified backup within 26 hours, the last backup failed, and backups kept on the database's own disk.
 *
 * Both problems are warnings, not critical: Mastodon keeps serving its users while a backup fails, and the older
 * backups are still there (retention never runs after a failure). Critical is kept for what is broken for the users
 * now (a dead container, uploads failing); a warning still sends an alert.
 */

export const BACKUPS_DETECTOR = 'backups';

const FIX = { kind: 'link' as const, href: '/backups', label: 'Backups' };

function hoursAgo(iso: string, nowMs: number): string {
  const hours = Math.floor((nowMs - Date.parse(iso)) / 3_600_000);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}

/**
 * `watchingSinceMs`: when this dashboard started. Without any verified backup, the 26 hours count from then: a new
 * installation gets its first scheduled backup within a day, and is not told on its first page that it has none.
 */
export function backupFindings(
  status: BackupStatus,
  options: { nowMs: number; watchingSinceMs: number; scheduleOff: boolean; backupDir: string },
): Found[] {
  const findings: Found[] = [];
  const { nowMs } = options;
  const schedule = options.scheduleOff ? ' The schedule is off (BACKUP_SCHEDULE=off).' : '';
  const since = status.lastVerified ? Date.parse(status.lastVerified.startedAt) : options.watchingSinceMs;
  if (nowMs - since > VERIFIED_BACKUP_MAX_AGE_MS) {
    const newest = status.newest;
    const title =
      status.count === 0
        ? 'No backup yet'
        : status.lastVerified
          ? `No verified backup for ${hoursAgo(status.lastVerified.startedAt, nowMs).replace(/ ago$/, '')}`
          : 'No verified backup yet';
    const verified = status.lastVerified ? `from ${hoursAgo(status.lastVerified.startedAt, nowMs)}` : 'none';
    const newer =
      newest && newest.name !== status.lastVerified?.name
        ? `; the newest, ${hoursAgo(newest.startedAt, nowMs)}, is ${newest.state.replace('_', ' ')}`
        : '';
    const evidence =
      status.count === 0
        ? `${options.backupDir} holds no backup.${schedule}`
        : `The last verified backup is ${verified}${newer}.${schedule}`;
    findings.push({
      key: 'backup.no-recent-verified',
      title,
      evidence,
      ...(newest?.state === 'not_verified' && newest.detail ? { detail: newest.detail } : {}),
      fix: FIX,
    });
  }
  if (status.lastFailure) {
    const failure = status.lastFailure;
    findings.push({
      key: 'backup.last-failed',
      title: failure.kind === 'verification' ? 'The last backup failed its verification' : 'The last backup failed',
      evidence: `Started ${hoursAgo(failure.at, nowMs)}: ${failure.reason}`,
      detail:
        'Older backups were left as they were. Fix the cause, then take a backup with "Back up now" on the ' +
        'Backups page.',
      fix: FIX,
    });
  }
  return findings;
}

export function backupDiskFindings(placement: BackupDiskPlacement): Found[] {
  if (placement.state !== 'same') return [];
  return [
    {
      key: 'backup.same-disk',
      severity: 'info',
      title: 'Backups are on the same disk as the database',
      evidence:
        `BACKUP_DIR (${placement.backupDir}) and the db service's data (${placement.dataPath}) are on one file ` +
        `system (device ${placement.device}).`,
      detail:
        'A failing disk takes both. Point BACKUP_DIR at another disk, or copy the backups off this server ' +
        '(rsync to another host) after they are taken.',
      fix: FIX,
    },
  ];
}
