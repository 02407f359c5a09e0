'use client';

import { formatAgo } from '@/components/vitals/format';
import { useNow } from '@/components/containers/use-now';
import { formatBytes } from '@/components/metrics/format';
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
  if (!result.ok) return <ErrorBox error={result.error} testId="media-breakdown-error" />;
  const media = result.data;
  switch (media.state) {
    case 'measuring':
      return (
        <p className="muted" data-testid="media-breakdown-measuring">
          Measuring: du runs in the background inside web; this can take minutes on a large folder.
        </p>
      );
    case 'object-storage':
      return (
        <p data-testid="media-breakdown-object-storage">
          S3_ENABLED=true in {media.container}: uploads are stored in the bucket, and the media folder on this server is
          not used. The retention settings below still apply to what the bucket holds.
        </p>
      );
    case 'failed':
      return <ErrorBox error={media.error} testId="media-breakdown-error" />;
    case 'measured':
      return (
        <>
          <p data-testid="media-breakdown-total" data-bytes={media.bytes} suppressHydrationWarning>
            <strong>{formatBytes(media.bytes)}</strong> in total,{' '}
            {`measured ${formatAgo(media.measuredAtMs, nowMs)} in ${media.container}`}
            {media.refreshing ? ', measuring again…' : ''}
          </p>
          <MediaBreakdownTable breakdown={media.breakdown} totalBytes={media.bytes} />
          {media.unreadable > 0 ? (
            <p className="action-failed">
              At least this much: du could not read {media.unreadable} folder{media.unreadable === 1 ? '' : 's'} (
              {media.problem ?? ''}).
            </p>
          ) : null}
          <p className="muted small">
            Remote media fetched before Mastodon 3.2 stays in media_attachments/ and accounts/ until{' '}
            <code>tootctl upgrade storage-schema</code> moves it under cache/; on such an old instance those lines
            include some remote media.
          </p>
        </>
      );
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
  return (
    <section className="panel" aria-labelledby="media-storage-heading" data-testid="media-storage">
      <div className="panel-head">
        <h2 id="media-storage-heading">Where the space goes</h2>
      </div>
      <Breakdown result={media} nowMs={nowMs} />
      <h3>Mastodon&apos;s retention settings</h3>
      <p className="muted small">
        Mastodon deletes by itself what these periods allow, once a day (its vacuum job in sidekiq). They are the same
        settings as Administration → Server settings → Content retention; changes are written to the settings table and
        its cached copy is dropped, so the next run uses them.
      </p>
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
