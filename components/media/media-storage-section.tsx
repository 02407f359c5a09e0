'use client';

import { useTranslations } from 'next-intl';

import { useNow } from '@/components/containers/use-now';
import { useFormat } from '@/components/i18n/use-format';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanelWhileMeasuring } from '@/components/ui/use-panel';
import type { RetentionReport } from '@/lib/mastodon/retention';
import type { MediaView } from '@/lib/mastodon/storage/media-folder';
import type { PanelResult } from '@/lib/panels/panel';
import { MediaBreakdownTable } from './media-breakdown';
import { RetentionSettingRow } from './retention-setting';

import styles from './media-breakdown.module.css';

function measuring(result: PanelResult<MediaView>): boolean {
  return result.ok && (result.data.state === 'measuring' || result.data.refreshing);
}

function Breakdown({ result, nowMs }: { result: PanelResult<MediaView>; nowMs: number }) {
  const t = useTranslations('media.storage');
  const format = useFormat();
  if (!result.ok) return <ErrorBox error={result.error} testId="media-breakdown-error" />;
  const media = result.data;
  switch (media.state) {
    case 'measuring':
      return (
        <p className="muted" data-testid="media-breakdown-measuring">
          {t('measuring')}
        </p>
      );
    case 'object-storage':
      return <p data-testid="media-breakdown-object-storage">{t('objectStorage', { container: media.container })}</p>;
    case 'failed':
      return <ErrorBox error={media.error} testId="media-breakdown-error" />;
    case 'measured': {
      const ageMs = nowMs - media.measuredAtMs;
      // Whole minutes: a measurement hours old does not need its seconds.
      const ago =
        ageMs < 60_000 ? t('justNow') : t('ago', { duration: format.duration(Math.floor(ageMs / 60_000) * 60_000) });
      return (
        <>
          <p data-testid="media-breakdown-total" data-bytes={media.bytes} suppressHydrationWarning>
            {t.rich('total', {
              size: format.bytes(media.bytes),
              ago,
              container: media.container,
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
            {media.refreshing ? t('refreshing') : ''}
          </p>
          <MediaBreakdownTable breakdown={media.breakdown} totalBytes={media.bytes} />
          {media.unreadable > 0 ? (
            <p className="action-failed">
              {t('unreadable', { count: media.unreadable, problem: media.problem ?? '' })}
            </p>
          ) : null}
          <p className="muted small">{t.rich('oldInstance', { code: (chunks) => <code>{chunks}</code> })}</p>
        </>
      );
    }
  }
}

/**
 * Where the media folder's space goes, and Mastodon's own retention settings, which decide how much of it (and of
 * the database) Mastodon deletes by itself every day.
 */
export function MediaStorageSection({
  initialMedia,
  retention,
}: {
  initialMedia: PanelResult<MediaView>;
  retention: RetentionReport;
}) {
  const media = usePanelWhileMeasuring('media-folder', initialMedia, measuring);
  const nowMs = useNow(30_000);
  const t = useTranslations('media.storage');
  return (
    <section className="panel" aria-labelledby="media-storage-heading" data-testid="media-storage">
      <div className="panel-head">
        <h2 id="media-storage-heading">{t('heading')}</h2>
      </div>
      <Breakdown result={media} nowMs={nowMs} />
      <h3>{t('retentionHeading')}</h3>
      <p className="muted small">{t('retentionIntro')}</p>
      {retention.ok ? (
        <div className={styles.settings}>
          {retention.settings.map((setting) => (
            <RetentionSettingRow key={setting.name} initial={setting} />
          ))}
        </div>
      ) : (
        <ErrorBox error={retention.error} testId="retention-error" />
      )}
    </section>
  );
}
