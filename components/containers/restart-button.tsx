'use client';

import { restartContainerAction } from '@/app/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { useGuardedAction } from '@/components/auth/use-guarded-action';
import { JobProgress } from '@/components/jobs/job-progress';
import type { JobView } from '@/lib/jobs/types';

/** Services whose restart makes Mastodon itself fail for a moment. */
const BACKEND_SERVICES = new Set(['db', 'redis', 'postgres', 'es']);

/** Restart for one container; shows the job for this container, whether started here, elsewhere or before a reload. */
export function RestartButton({ name, service, job }: { name: string; service: string; job?: JobView }) {
  const { run, pending, result, awaitingPassword, onReauthenticated, cancelReauth } = useGuardedAction(restartContainerAction);
  const start = () => {
    if (
      BACKEND_SERVICES.has(service) &&
      !window.confirm(`Restarting ${name} makes Mastodon fail for a moment: web and sidekiq lose their ${service} until it is back. Restart it?`)
    ) {
      return;
    }
    void run({ container: name });
  };
  const busy = pending || job?.status === 'running';
  return (
    <div className="action-area">
      <div className="action-row">
        <button type="button" className="secondary" onClick={start} disabled={busy} data-testid="restart">
          {busy ? 'Restarting…' : 'Restart'}
        </button>
        {result && !result.ok ? (
          <span className="action-failed" role="alert" data-testid="restart-refused">
            {result.error.title}: {result.error.detail}
          </span>
        ) : null}
      </div>
      {job ? <JobProgress job={job} /> : null}
      {awaitingPassword ? <ReauthDialog onDone={onReauthenticated} onCancel={cancelReauth} /> : null}
    </div>
  );
}
