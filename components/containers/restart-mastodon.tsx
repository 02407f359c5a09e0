'use client';

import { restartMastodonAction } from '@/app/actions';
import { JobButton } from '@/components/jobs/job-button';
import type { JobView } from '@/lib/jobs/types';

export const RESTART_MASTODON_TARGET = 'mastodon (web, streaming, sidekiq)';

export function RestartMastodon({ job }: { job?: JobView }) {
  return (
    <div className="restart-mastodon">
      <JobButton
        action={restartMastodonAction}
        fields={{}}
        label="Restart Mastodon"
        busyLabel="Restarting Mastodon…"
        testId="restart-mastodon"
        job={job}
        note="web, then streaming, then sidekiq, each healthy before the next"
      />
    </div>
  );
}
