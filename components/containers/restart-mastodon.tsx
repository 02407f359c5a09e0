'use client';

import { useTranslations } from 'next-intl';

import { restartMastodonAction } from '@/app/actions';
import { JobButton } from '@/components/jobs/job-button';
import type { JobView } from '@/lib/jobs/types';

export const RESTART_MASTODON_TARGET = 'mastodon (web, streaming, sidekiq)';

export function RestartMastodon({ job }: { job?: JobView }) {
  const t = useTranslations('containers.restart');
  return (
    <div className="restart-mastodon">
      <JobButton
        action={restartMastodonAction}
        fields={{}}
        label={t('mastodon')}
        busyLabel={t('mastodonBusy')}
        testId="restart-mastodon"
        job={job}
        note={t('mastodonNote')}
      />
    </div>
  );
}
