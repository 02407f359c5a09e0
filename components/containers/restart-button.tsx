'use client';

import { restartContainerAction } from '@/app/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { useGuardedAction } from '@/components/auth/use-guarded-action';

/** Services whose restart makes Mastodon itself fail for a moment. */
const BACKEND_SERVICES = new Set(['db', 'redis', 'postgres', 'es']);

export function RestartButton({ name, service }: { name: string; service: string }) {
  const { run, pending, result, awaitingPassword, onReauthenticated, cancelReauth } = useGuardedAction(restartContainerAction);
  const start = () => {
    if (BACKEND_SERVICES.has(service) && !window.confirm(`Restarting ${name} makes Mastodon fail for a moment (web and sidekiq lose their ${service}). Restart it?`)) {
      return;
    }
    void run({ container: name });
  };
  return (
    <div className="action-row">
      <button type="button" className="secondary" onClick={start} disabled={pending} data-testid="restart">
        {pending ? 'Restarting…' : 'Restart'}
      </button>
      {result ? (
        <span className={result.ok ? 'action-ok' : 'action-failed'} role="status" data-testid="restart-result">
          {result.ok ? `Restarted; ${result.data.health === 'none' ? 'running' : result.data.health}.` : `${result.error.title}: ${result.error.detail}`}
        </span>
      ) : null}
      {awaitingPassword ? <ReauthDialog onDone={onReauthenticated} onCancel={cancelReauth} /> : null}
    </div>
  );
}
