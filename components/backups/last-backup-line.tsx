import Link from 'next/link';

import { formatAgo } from '@/components/vitals/format';
import { readLastBackupLine, type LastBackupLine as Line } from '@/lib/backups/health';

import styles from './last-backup.module.css';

function words(line: Line): string {
  switch (line.state) {
    case 'recent':
    case 'old':
      return `Last verified backup: ${formatAgo(line.verifiedAtMs, line.nowMs)}`;
    case 'none':
      return line.any ? 'No verified backup yet' : 'No backup yet';
    default:
      return 'Backups: BACKUP_DIR cannot be read';
  }
}

/**
 * The home page's one line about backups: how old the last verified one is. Rendered on the server only (no script
 * of its own for the browser); the "Needs attention" list says when it is too old.
 */
export async function LastBackupLine() {
  const line = await readLastBackupLine();
  return (
    <p className={styles.line} data-testid="last-backup" data-state={line.state}>
      <Link href="/backups" prefetch={false}>
        {words(line)}
      </Link>
    </p>
  );
}
