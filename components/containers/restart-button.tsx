'use client';

import { restartContainerAction } from '@/app/actions';
import { JobButton } from '@/components/jobs/job-button';
import type { JobView } from '@/lib/jobs/types';

/** Services whose restart makes Mastodon itself fail for a moment. */
const BACKEND_SERVICES = new Set(['db', 'redis', 'postgres', 'es']);

export function RestartButton({ name, service, job }: { name: string; service: string; job?: JobView }) {
  return (
    <JobButton
      action={restartContainerAction}
      fields={{ container: name }}
      label="Restart"
      busyLabel="Restarting…"
      testId="restart"
      job={job}
      secondary
      confirmMessage={
        BACKEND_SERVICES.has(service)
          ? `Restarting ${name} makes Mastodon fail for a moment: web and sidekiq lose their` +
            ` ${service} until it is back. Restart it?`
          : undefined
      }
    />
  );
}
