import { formatBytes } from '@/components/metrics/format';
import { formatAgo } from '@/components/vitals/format';
import type { BackupsOverview } from '@/lib/backups/overview';

import styles from './backups.module.css';
import { TranslatedText } from '@/components/i18n/translated-text';

function MediaSize({ view, nowMs }: { view: BackupsOverview['media']['view']; nowMs: number }) {
  switch (view.state) {
    case 'measured':
      return (
        <span data-testid="media-size" data-bytes={view.bytes} suppressHydrationWarning>
          {formatBytes(view.bytes)} (measured {formatAgo(view.measuredAtMs, nowMs)} in {view.container})
        </span>
      );
    case 'measuring':
      return <span data-testid="media-size">being measured (du runs in the background; reload in a few minutes)</span>;
    case 'object-storage':
      return <span data-testid="media-size">in object storage (S3_ENABLED=true): nothing on this server to copy</span>;
    default:
      return (
        <span data-testid="media-size">
          not known: <TranslatedText text={view.error.title} />. <TranslatedText text={view.error.detail} />
        </span>
      );
  }
}

/** The media folder is not in a backup: its size, and the command that copies it beside the backups. */
export function MediaSection({ media, nowMs }: { media: BackupsOverview['media']; nowMs: number }) {
  return (
    <div data-testid="backup-media">
      <h2>The media folder</h2>
      <p className="small">
        Uploads (<code>public/system</code>) are not part of a backup. Size:{' '}
        <MediaSize view={media.view} nowMs={nowMs} />. To keep a copy beside the backups, run on the server (as root, or
        the user that owns the folder):
      </p>
      <pre className={styles.command} tabIndex={0} data-testid="media-command">
        <code>{media.command}</code>
      </pre>
      <p className="small muted">
        {media.hostPath
          ? `The folder is ${media.hostPath} on the host (the web container's mount). `
          : 'Where the folder is on the host could not be read from the web container: replace the first path. '}
        <code>--exclude cache/</code> leaves out remote servers&apos; media, which Mastodon fetches again when it is
        missing; drop it to copy that too. <code>--delete</code> makes the copy a mirror: one copy, replaced each time.
        A copy on another disk or host (<code>user@host:/path/</code>) survives this server.
      </p>
    </div>
  );
}
