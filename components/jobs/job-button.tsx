'use client';

import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { useGuardedAction } from '@/components/auth/use-guarded-action';
import type { ActionResult } from '@/lib/actions/result';
import type { JobView } from '@/lib/jobs/types';
import { JobProgress } from './job-progress';

/**
 * A button that starts an admin job: asks for confirmation when told to, for the password when the
 * login is not recent, says why a start was refused, and shows the job (started here, in another
 * browser, or before a reload).
 */
export function JobButton<Input>({
  action,
  input,
  label,
  busyLabel,
  testId,
  job,
  confirmMessage,
  note,
  secondary = false,
}: {
  action: (input: Input) => Promise<ActionResult<{ jobId: string }>>;
  input: Input;
  label: string;
  busyLabel: string;
  testId: string;
  job?: JobView;
  confirmMessage?: string;
  note?: string;
  secondary?: boolean;
}) {
  const { run, pending, result, awaitingPassword, onReauthenticated, cancelReauth } = useGuardedAction(action);
  const busy = pending || job?.status === 'running';
  const start = () => {
    if (confirmMessage && !window.confirm(confirmMessage)) return;
    void run(input);
  };
  return (
    <div className="action-area">
      <div className="action-row">
        <button type="button" className={secondary ? 'secondary' : undefined} onClick={start} disabled={busy} data-testid={testId}>
          {busy ? busyLabel : label}
        </button>
        {note ? <span className="muted small">{note}</span> : null}
        {result && !result.ok ? (
          <span className="action-failed" role="alert" data-testid={`${testId}-refused`}>
            {result.error.title}: {result.error.detail}
          </span>
        ) : null}
      </div>
      {job ? <JobProgress job={job} /> : null}
      {awaitingPassword ? <ReauthDialog onDone={onReauthenticated} onCancel={cancelReauth} /> : null}
    </div>
  );
}
