import { getTranslations } from 'next-intl/server';
import { Suspense } from 'react';

import { AttentionLoading } from '@/components/attention/attention-panel';
import { AttentionSection } from '@/components/attention/attention-section';
import { LastBackupLine } from '@/components/backups/last-backup-line';
import { LiveContainers } from '@/components/containers/live-containers';
import { HeadlineLoading, HeadlineSection } from '@/components/metrics/headline-section';
import { ConfigDoctor, VitalSigns } from '@/components/vitals/sections';
import { requireSession } from '@/lib/auth/guard';
import { getConfig } from '@/lib/config';
import { listRecentJobs } from '@/lib/jobs';
import { containersPanel } from '@/lib/panels/containers';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  await requireSession();
  const containers = await containersPanel();
  const project = getConfig().composeProject;
  const t = await getTranslations('home');
  return (
    <>
      <h1 className="visually-hidden">{t('title', { project })}</h1>
      <Suspense fallback={<AttentionLoading />}>
        <AttentionSection />
      </Suspense>
      <Suspense fallback={null}>
        <LastBackupLine />
      </Suspense>
      <Suspense fallback={<HeadlineLoading />}>
        <HeadlineSection />
      </Suspense>
      <VitalSigns />
      <LiveContainers
        project={project}
        initialContainers={containers.ok ? containers.data.containers : []}
        initialError={containers.ok ? undefined : containers.error}
        initialJobs={listRecentJobs()}
      />
      <ConfigDoctor />
    </>
  );
}
