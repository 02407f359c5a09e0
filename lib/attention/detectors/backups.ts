import { VERIFIED_BACKUP_MAX_AGE_MS, type BackupDiskPlacement, type BackupStatus } from '../../backups/status';

export { BACKUP_JOB } from '../../backups/status';
import type { Found } from '../detector';
import { text, type Text } from '../../i18n/text';

/**
 * Backups: no verified backup within 26 hours, the last backup failed, and backups kept on the database's own disk.
 *
 * Both problems are warnings, not critical: Mastodon keeps serving its users while a backup fails, and the older
 * backups are still there (retention never runs after a failure). Critical is kept for what is broken for the users
 * now (a dead container, uploads failing); a warning still sends an alert.
 */

export const BACKUPS_DETECTOR = 'backups';

const FIX = { kind: 'link' as const, href: '/backups', label: text('attention.links.backups') };

function hours(iso: string, nowMs: number): number {
  return Math.floor((nowMs - Date.parse(iso)) / 3_600_000);
}

/** "5 h" or "3 days": how long since. */
function age(iso: string, nowMs: number): Text {
  const h = hours(iso, nowMs);
  return h < 48
    ? text('attention.backups.hours', { hours: h })
    : text('attention.backups.days', { days: Math.floor(h / 24) });
}

/** "5 h ago" or "3 days ago". */
function hoursAgo(iso: string, nowMs: number): Text {
  return text('attention.backups.ago', { age: age(iso, nowMs) });
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
  const schedule = options.scheduleOff ? text('attention.backups.scheduleOff') : '';
  const since = status.lastVerified ? Date.parse(status.lastVerified.startedAt) : options.watchingSinceMs;
  if (nowMs - since > VERIFIED_BACKUP_MAX_AGE_MS) {
    const newest = status.newest;
    const title =
      status.count === 0
        ? text('attention.backups.none.title')
        : status.lastVerified
          ? text('attention.backups.stale.title', { age: age(status.lastVerified.startedAt, nowMs) })
          : text('attention.backups.unverified.title');
    const verified = status.lastVerified
      ? text('attention.backups.verifiedFrom', { ago: hoursAgo(status.lastVerified.startedAt, nowMs) })
      : text('attention.backups.verifiedNone');
    const newer =
      newest && newest.name !== status.lastVerified?.name
        ? text('attention.backups.newer', {
            ago: hoursAgo(newest.startedAt, nowMs),
            state: text(`attention.backups.states.${newest.state}`),
          })
        : '';
    const evidence =
      status.count === 0
        ? text('attention.backups.none.evidence', { dir: options.backupDir, schedule })
        : text('attention.backups.stale.evidence', { verified, newer, schedule });
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
      title: text(
        failure.kind === 'verification' ? 'attention.backups.failed.verification' : 'attention.backups.failed.title',
      ),
      evidence: text('attention.backups.failed.evidence', { ago: hoursAgo(failure.at, nowMs), reason: failure.reason }),
      detail: text('attention.backups.failed.detail'),
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
      title: text('attention.backups.sameDisk.title'),
      evidence: text('attention.backups.sameDisk.evidence', {
        dir: placement.backupDir,
        data: placement.dataPath,
        device: placement.device,
      }),
      detail: text('attention.backups.sameDisk.detail'),
      fix: FIX,
    },
  ];
}
