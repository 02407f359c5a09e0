import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

import { readLastBackupLine, type LastBackupLine as Line } from '@/lib/backups/health';
import type { Format } from '@/lib/i18n/format';
import { getFormat } from '@/lib/i18n/server';

import styles from './last-backup.module.css';

type Translate = Awaited<ReturnType<typeof getTranslations<'backups'>>>;

function words(t: Translate, format: Format, line: Line): string {
  switch (line.state) {
    case 'recent':
    case 'old': {
      const ms = line.nowMs - line.verifiedAtMs;
      // Whole minutes: a backup hours old does not need its seconds.
      const ago =
        ms < 60_000
          ? t('time.justNow')
          : t('time.ago', { duration: format.duration(Math.floor(ms / 60_000) * 60_000) });
      return t('lastBackup.verified', { ago });
    }
    case 'none':
      return line.any ? t('lastBackup.noneVerified') : t('lastBackup.none');
    default:
      return t('lastBackup.unknown');
  }
}

/**
 * The home page's one line about backups: how old the last verified one is. Rendered on the server only (no script
 * of its own for the browser); the "Needs attention" list says when it is too old.
 */
export async function LastBackupLine() {
  const line = await readLastBackupLine();
  const t = await getTranslations('backups');
  const format = await getFormat();
  return (
    <p className={styles.line} data-testid="last-backup" data-state={line.state}>
      <Link href="/backups" prefetch={false}>
        {words(t, format, line)}
      </Link>
    </p>
  );
}
