import { MediaPanel } from '@/components/media/media-panel';
import { requireSession } from '@/lib/auth/guard';
import { listRecentJobs } from '@/lib/jobs';
import { diagnoseMediaPermissions } from '@/lib/mastodon/media-permissions';
import { runPanel } from '@/lib/panels/panel';

// Always checked per request: the point of the page is the folder's state now.
export const dynamic = 'force-dynamic';

const KIND = 'media.permissions_fixed';

export default async function MediaPage() {
  await requireSession();
  const jobs = listRecentJobs().filter((job) => job.kind === KIND);
  // A fix that just ended is the reference time for old log lines (they predate it).
  const lastFix = jobs.find((job) => job.status === 'succeeded' && typeof job.result?.fixedAt === 'string');
  const fixedAt = typeof lastFix?.result?.fixedAt === 'string' ? lastFix.result.fixedAt : undefined;
  const diagnosis = await runPanel('The media folder check', 20_000, () =>
    diagnoseMediaPermissions(fixedAt ? { fixedAt } : {}),
  );
  return (
    <MediaPanel
      diagnosis={diagnosis.ok ? diagnosis.data : undefined}
      error={diagnosis.ok ? undefined : diagnosis.error}
      initialJobs={jobs}
    />
  );
}
