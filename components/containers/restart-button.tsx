'use client';

import { useTranslations } from 'next-intl';

import { restartContainerAction } from '@/app/actions';
import { JobButton } from '@/components/jobs/job-button';
import type { JobView } from '@/lib/jobs/types';

/** Services whose restart makes Mastodon itself fail for a moment. */
const BACKEND_SERVICES = new Set(['db', 'redis', 'postgres', 'es']);

export function RestartButton({ name, service, job }: { name: string; service: string; job?: JobView }) {
  const t = useTranslations('containers.restart');
  return (
    <JobButton
      action={restartContainerAction}
      fields={{ container: name }}
      label={t('label')}
      busyLabel={t('busy')}
      testId="restart"
      job={job}
      secondary
      confirmMessage={BACKEND_SERVICES.has(service) ? t('confirmBackend', { name, service }) : undefined}
    />
  );
}
