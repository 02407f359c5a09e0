'use client';

import type { ReactNode } from 'react';

import { fixMediaPermissionsAction } from '@/app/media/actions';
import { JobButton } from '@/components/jobs/job-button';
import type { JobView } from '@/lib/jobs/types';

/** "Fix ownership": the media fix job, on the Media page and in the "Needs attention" list alike. */
export function FixOwnershipButton({
  container,
  path,
  owner,
  job,
  showProgress,
  note,
  testId = 'media-fix',
}: {
  container: string;
  path: string;
  owner: string;
  job?: JobView;
  showProgress: boolean;
  note?: ReactNode;
  testId?: string;
}) {
  return (
    <JobButton
      action={fixMediaPermissionsAction}
      fields={{ container, path }}
      label="Fix ownership"
      busyLabel="Fixing ownership…"
      testId={testId}
      job={job}
      showProgress={showProgress}
      confirmMessage={
        `Run "chown -R -h ${owner} -- ${path}" as root inside ${container}? ` +
        `Every file and folder under it will belong to ${owner}.`
      }
      note={note}
    />
  );
}
