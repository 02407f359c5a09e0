'use client';

import { restartMastodonAction } from '@/app/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { useGuardedAction } from '@/components/auth/use-guarded-action';
import { JobProgress } from '@/components/jobs/job-progress';
import type { JobView } from '@/lib/jobs/types';

export const RESTART_MASTODON_TARGET = 'mastodon (web, streaming, sidekiq)';

/** Restarts web, streaming and sidekiq one after another, each healthy before the next. */
export function RestartMastodon({ job }: { job?: JobView }) {
  const { run, pending, result, awaitingPassword, onReauthenticated, cancelReauth } = useGuardedAction(restartMastodonAction);
  const busy = pending || job?.status === 'running';
  return (
    <div className="action-area restart-mastodon">
      <div className="action-row">
        <button type="button" onClick={() => void run(undefined)} disabled={busy} data-testid="restart-mastodon">
          {busy ? 'Restarting Mastodon…' : 'Restart Mastodon'}
        </button>
        <span className="muted small">web, then streaming, then sidekiq, each healthy before the next</span>
        {result && !result.ok ? (
          <span className="action-failed" role="alert">
            {result.error.title}: {result.error.detail}
          </span>
        ) : null}
      </div>
      {job ? <JobProgress job={job} /> : null}
      {awaitingPassword ? <ReauthDialog onDone={onReauthenticated} onCancel={cancelReauth} /> : null}
    </div>
  );
}
