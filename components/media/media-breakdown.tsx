import { useLocale, useTranslations } from 'next-intl';

import { formatFor } from '@/lib/i18n/format';
import { MEDIA_PART_LABELS, shareOfMedia, type MediaBreakdown } from '@/lib/mastodon/storage/media-breakdown';

import styles from './media-breakdown.module.css';

function Share({ bytes, total }: { bytes: number; total: number }) {
  const format = formatFor(useLocale());
  const share = shareOfMedia(bytes, total);
  return (
    <td className={styles.share}>
      {format.percent(share)}
      <span className={styles.shareBar} aria-hidden="true">
        <span className={styles.shareFill} style={{ width: `${Math.min(100, share)}%` }} />
      </span>
    </td>
  );
}

/**
 * The media folder by part: the named folders, then the rest with its largest other folders. `compact` leaves out
 * what each folder holds (the home page's storage panel).
 */
export function MediaBreakdownTable({
  breakdown,
  totalBytes,
  compact = false,
}: {
  breakdown: MediaBreakdown;
  totalBytes: number;
  compact?: boolean;
}) {
  const t = useTranslations('media.breakdown');
  const format = formatFor(useLocale());
  const others = breakdown.rest.folders.map((folder) => `${folder.name}/ ${format.bytes(folder.bytes)}`).join(', ');
  return (
    // The wrapper scrolls, not the page: the home page's figure tile can be narrower than the table. A region that
    // scrolls must take the keyboard focus, so that it can be scrolled without a mouse.
    <div className={styles.scroll} tabIndex={0} role="region" aria-label={t('region')}>
      <table className={styles.table} data-testid="media-breakdown">
        <tbody>
          {breakdown.parts.map((part) => (
            <tr
              key={part.name}
              data-testid={`media-part-${part.name}`}
              data-bytes={part.bytes}
              className={part.present ? undefined : styles.absent}
            >
              <th scope="row">
                <code>{MEDIA_PART_LABELS[part.name].label}</code>
                {compact ? null : <div className={styles.holds}>{t(`holds.${part.name}`)}</div>}
              </th>
              <td className={styles.size}>{part.present ? format.bytes(part.bytes) : t('none')}</td>
              <Share bytes={part.bytes} total={totalBytes} />
            </tr>
          ))}
          <tr data-testid="media-part-rest" data-bytes={breakdown.rest.bytes}>
            <th scope="row">
              {t('rest')}
              {compact ? null : <div className={styles.holds}>{others ? t('restOthers', { others }) : t('loose')}</div>}
            </th>
            <td className={styles.size}>{format.bytes(breakdown.rest.bytes)}</td>
            <Share bytes={breakdown.rest.bytes} total={totalBytes} />
          </tr>
        </tbody>
      </table>
    </div>
  );
}
