import { LiveContainers } from '@/components/containers/live-containers';
import { Headline } from '@/components/metrics/headline';
import { requireSession } from '@/lib/auth/guard';
import { getConfig } from '@/lib/config';
import { listRecentJobs } from '@/lib/jobs';
import { containersPanel } from '@/lib/panels/containers';
import { headlinePanel } from '@/lib/panels/metrics';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  await requireSession();
  const [containers, headline] = await Promise.all([containersPanel(), headlinePanel()]);
  return (
    <>
      <Headline initial={headline} />
      <LiveContainers
        project={getConfig().composeProject}
        initialContainers={containers.ok ? containers.data.containers : []}
        initialError={containers.ok ? undefined : containers.error}
        initialJobs={listRecentJobs()}
      />
    </>
  );
}
