'use client';

import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';

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
  const t = useTranslations('media.fixButton');
  return (
    <JobButton
      action={fixMediaPermissionsAction}
      fields={{ container, path }}
      label={t('label')}
      busyLabel={t('busy')}
      testId={testId}
      job={job}
      showProgress={showProgress}
      confirmMessage={t('confirm', { owner, path, container })}
      note={note}
    />
  );
}
