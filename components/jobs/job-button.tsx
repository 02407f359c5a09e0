'use client';

import { useActionState, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';

import { ReauthDialog } from '@/components/auth/reauth-dialog';
import type { ActionResult } from '@/lib/actions/result';
import type { JobView } from '@/lib/jobs/types';
import { JobProgress } from './job-progress';
import { TranslatedText } from '@/components/i18n/translated-text';

type JobAnswer = ActionResult<{ jobId: string }> | null;

const subscribeToNothing = () => () => undefined;

/**
 * A button that starts an admin job. It is a form around the server action, so it works as a plain HTML
 * post before the page's scripts run or without them. It asks for confirmation when told to (a confirm()
 * box once the scripts run; until then, and without them, a required checkbox, so that a click before
 * hydration cannot skip the question), for the password when the login is not recent, says
 * why a start was refused, and shows the job (started here, in another browser, or before a reload).
 */
export function JobButton({
  action,
  fields,
  label,
  busyLabel,
  testId,
  job,
  showProgress = true,
  confirmMessage,
  note,
  secondary = false,
  disabled = false,
  children,
}: {
  action: (previous: JobAnswer, form: FormData) => Promise<JobAnswer>;
  /** The action's input, sent as hidden fields. */
  fields: Record<string, string>;
  label: string;
  busyLabel: string;
  testId: string;
  job?: JobView;
  /** False when the caller shows the job's progress elsewhere. */
  showProgress?: boolean;
  confirmMessage?: string;
  note?: ReactNode;
  secondary?: boolean;
  /** Held back by the caller (another job of the same lock runs). */
  disabled?: boolean;
  /** Visible inputs of the action, sent with the hidden fields. */
  children?: ReactNode;
}) {
  const [answer, submit, pending] = useActionState(action, null);
  const [cancelled, setCancelled] = useState<JobAnswer>(null);
  const scripted = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  const busy = pending || job?.status === 'running';
  const refusal = answer && !answer.ok && answer !== cancelled ? answer : undefined;
  const askingPassword = refusal?.error.code === 'reauth_required';
  const confirmFirst = (event: FormEvent<HTMLFormElement>) => {
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    // The password prompt continues an action that was already confirmed.
    if (!confirmMessage || !scripted || submitter?.hasAttribute('data-reauth')) return;
    if (!window.confirm(confirmMessage)) event.preventDefault();
  };
  return (
    <form action={submit} onSubmit={confirmFirst} className="action-area" data-testid={`${testId}-form`}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <div className="action-row">
        <button
          type="submit"
          className={secondary ? 'secondary' : undefined}
          disabled={busy || disabled}
          data-testid={testId}
        >
          {busy ? busyLabel : label}
        </button>
        {confirmMessage && !scripted ? (
          <label className="small">
            <input type="checkbox" name="understood" required data-testid={`${testId}-understood`} /> {confirmMessage}
          </label>
        ) : null}
        {note ? <span className="muted small">{note}</span> : null}
        {refusal && !askingPassword ? (
          <span className="action-failed" role="alert" data-testid={`${testId}-refused`}>
            <TranslatedText text={refusal.error.title} />: <TranslatedText text={refusal.error.detail} />
          </span>
        ) : null}
      </div>
      {job && showProgress ? <JobProgress job={job} /> : null}
      {refusal && askingPassword ? (
        <ReauthDialog errors={refusal.fieldErrors?.password} onCancel={() => setCancelled(refusal)} />
      ) : null}
    </form>
  );
}
