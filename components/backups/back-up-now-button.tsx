'use client';

import { backUpNowAction } from '@/app/backups/actions';
import { JobButton } from '@/components/jobs/job-button';
import type { JobView } from '@/lib/jobs/types';

/** "Back up now": the backup job, with its progress (dump, restore into a scratch database, retention). */
export function BackUpNowButton({ job }: { job?: JobView }) {
  return (
    <JobButton
      action={backUpNowAction}
      fields={{}}
      label="Back up now"
      busyLabel="Backing up…"
      testId="backup-now"
      job={job}
      showProgress
    />
  );
}
