import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';

import { useFormat } from '@/components/i18n/use-format';
import type { BackupsOverview } from '@/lib/backups/overview';
import { renderText } from '@/lib/i18n/text';

import { useRelative } from './local-time';
import styles from './backups.module.css';

function MediaSize({ view, nowMs }: { view: BackupsOverview['media']['view']; nowMs: number }) {
  const t = useTranslations('backups.media');
  const root = useTranslations();
  const format = useFormat();
  const relative = useRelative();
  switch (view.state) {
    case 'measured':
      return (
        <span data-testid="media-size" data-bytes={view.bytes} suppressHydrationWarning>
          {t('measured', {
            size: format.bytes(view.bytes),
            ago: relative(view.measuredAtMs, nowMs),
            container: view.container,
          })}
        </span>
      );
    case 'measuring':
      return <span data-testid="media-size">{t('measuring')}</span>;
    case 'object-storage':
      return <span data-testid="media-size">{t('objectStorage')}</span>;
    default:
      return (
        <span data-testid="media-size">
          {t('unknown', { title: renderText(root, view.error.title), detail: renderText(root, view.error.detail) })}
        </span>
      );
  }
}

/** The media folder is not in a backup: its size, and the command that copies it beside the backups. */
export function MediaSection({ media, nowMs }: { media: BackupsOverview['media']; nowMs: number }) {
  const t = useTranslations('backups.media');
  const code = (chunks: ReactNode) => <code>{chunks}</code>;
  return (
    <div data-testid="backup-media">
      <h2 data-testid="backup-media-title">{t('title')}</h2>
      <p className="small">{t.rich('intro', { code, size: () => <MediaSize view={media.view} nowMs={nowMs} /> })}</p>
      <pre className={styles.command} tabIndex={0} data-testid="media-command">
        <code>{media.command}</code>
      </pre>
      <p className="small muted">
        {media.hostPath ? t('hostPath', { path: media.hostPath }) : t('hostUnknown')} {t.rich('options', { code })}
      </p>
    </div>
  );
}
