import { formatAgo } from '@/components/vitals/format';
import { readBackupStatus } from '@/lib/backups/health';
import { VERIFIED_BACKUP_MAX_AGE_MS } from '@/lib/backups/status';

import styles from './last-backup.module.css';

/**
 * The home page's one line about backups: how old the last verified one is. Rendered on the server only (no script
 * for the browser); the "Needs attention" list says when it is too old.
 */
export async function LastBackupLine() {
  const nowMs = Date.now();
  let text: string;
  let state: 'recent' | 'old' | 'none' | 'unknown';
  try {
    const status = await readBackupStatus();
    const verified = status.lastVerified;
    if (verified) {
      const startedMs = Date.parse(verified.startedAt);
      state = nowMs - startedMs > VERIFIED_BACKUP_MAX_AGE_MS ? 'old' : 'recent';
      text = `Last verified backup: ${formatAgo(startedMs, nowMs)}`;
    } else {
      state = 'none';
      text = status.count === 0 ? 'No backup yet' : 'No verified backup yet';
    }
  } catch {
    state = 'unknown';
    text = 'Backups: BACKUP_DIR cannot be read';
  }
  return (
    <p className={styles.line} data-testid="last-backup" data-state={state}>
      <a href="/backups">{text}</a>
    </p>
  );
}
