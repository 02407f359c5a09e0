import { FreeDiskSpace } from '@/components/media/free-disk-space';
import { MediaPanel } from '@/components/media/media-panel';
import { MediaStorageSection } from '@/components/media/media-storage-section';
import { requireSession } from '@/lib/auth/guard';
import { listRecentJobs } from '@/lib/jobs';
import { CLEANUP_JOB_KIND } from '@/lib/mastodon/cleanup/labels';
import { mediaFindings } from '@/lib/attention/detectors/media';
import { diagnoseMediaPermissions, lastMediaFixAt, MEDIA_FIX_JOB } from '@/lib/mastodon/media-permissions';
import { readRetentionSettings } from '@/lib/mastodon/retention';
import { runPanel } from '@/lib/panels/panel';
import { mediaFolderPanel } from '@/lib/panels/storage';
import { text } from '@/lib/i18n/text';

// Always checked per request: the point of the page is the folder's state now.
export const dynamic = 'force-dynamic';

export default async function MediaPage() {
  await requireSession();
  const jobs = listRecentJobs().filter((job) => job.kind === MEDIA_FIX_JOB);
  // A fix that just ended is the reference time for old log lines (they predate it).
  const fixedAt = lastMediaFixAt(jobs);
  const [diagnosis, media, retention] = await Promise.all([
    runPanel(text('errors.panels.mediaCheck'), 20_000, () => diagnoseMediaPermissions(fixedAt ? { fixedAt } : {})),
    mediaFolderPanel(),
    readRetentionSettings(),
  ]);
  return (
    <>
      <MediaPanel
        diagnosis={diagnosis.ok ? diagnosis.data : undefined}
        findings={diagnosis.ok ? mediaFindings(diagnosis.data) : []}
        error={diagnosis.ok ? undefined : diagnosis.error}
        initialJobs={jobs}
      />
      <MediaStorageSection initialMedia={media} retention={retention} />
      <FreeDiskSpace initialJobs={listRecentJobs(24 * 60 * 60_000).filter((job) => job.kind === CLEANUP_JOB_KIND)} />
    </>
  );
}
