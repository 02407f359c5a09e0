'use client';

import { useActionState, useState, useSyncExternalStore } from 'react';

import { changeRegistrationsAction } from '@/app/registrations/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import type { RegistrationsMode, RegistrationsReport } from '@/lib/mastodon/registrations';
import { RegistrationsState } from './registrations-state';

const CHOICES: { mode: RegistrationsMode; label: string; explanation: string }[] = [
  { mode: 'open', label: 'Open', explanation: 'Anyone can sign up and use the account at once.' },
  { mode: 'approved', label: 'Approval required', explanation: 'Anyone can apply; a moderator approves each account.' },
  { mode: 'none', label: 'Closed', explanation: 'Nobody can sign up; invites still work if enabled.' },
];

type FromKey = RegistrationsMode | 'unrecognised' | 'unknown';

function fromKey(report: RegistrationsReport): FromKey {
  const mode = report.settings?.mode;
  return mode?.mode ?? (mode?.unrecognised ? 'unrecognised' : 'unknown');
}

const subscribeToNothing = () => () => undefined;

/**
 * The current state, and the form that changes it; after a change, the state as read back. The form posts
 * to the server action directly, so it works as a plain HTML form too; the server validates with the same
 * schema (lib/validations/registrations.ts).
 */
export function RegistrationsPanel({ initial }: { initial: RegistrationsReport }) {
  type Answer = Awaited<ReturnType<typeof changeRegistrationsAction>> | null;
  const [result, submit, pending] = useActionState<Answer, FormData>(changeRegistrationsAction, null);
  const [cancelled, setCancelled] = useState<Answer>(null);
  const report = result?.ok ? result.data.after : initial;
  const [mode, setMode] = useState<RegistrationsMode>(initial.settings?.mode.mode ?? 'none');
  const [requireReason, setRequireReason] = useState(initial.settings?.requireInviteText.value ?? false);
  // Without JavaScript the checkbox cannot follow the chosen mode, so it is only disabled once scripts run.
  const hydrated = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  const refusal = result && !result.ok && result !== cancelled ? result : undefined;
  const askingPassword = refusal?.error.code === 'reauth_required';
  const errors = refusal?.fieldErrors;

  return (
    <>
      <RegistrationsState report={report} />
      <form className="form registrations-form" action={submit} data-testid="registrations-form">
        <input type="hidden" name="from" value={fromKey(report)} />
        <fieldset disabled={!report.settings || pending}>
          <legend>Change the registration mode</legend>
          {CHOICES.map((choice) => (
            <label key={choice.mode} className="registrations-choice">
              <input
                type="radio"
                name="mode"
                value={choice.mode}
                checked={mode === choice.mode}
                onChange={() => setMode(choice.mode)}
              />
              <span>
                <strong>{choice.label}</strong>
                <span className="muted small"> {choice.explanation}</span>
              </span>
            </label>
          ))}
          <FieldError errors={errors?.mode} />
          <label className="registrations-choice">
            <input
              type="checkbox"
              name="requireReason"
              checked={requireReason}
              disabled={hydrated && mode !== 'approved'}
              onChange={(event) => setRequireReason(event.target.checked)}
            />
            <span>
              <strong>Require a reason to join</strong>
              <span className="muted small"> Only with approval required; left as it is for the other modes.</span>
            </span>
          </label>
          <FieldError errors={errors?.requireReason ?? errors?.from} />
          <div>
            <button type="submit" data-testid="registrations-submit">
              {pending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </fieldset>
        {refusal && askingPassword ? (
          <ReauthDialog errors={refusal.fieldErrors?.password} onCancel={() => setCancelled(refusal)} />
        ) : null}
      </form>
      {refusal && !askingPassword ? <ErrorBox error={refusal.error} testId="registrations-error" /> : null}
      {result?.ok ? (
        <div className="registrations-done" role="status" data-testid="registrations-done">
          <p className="action-ok">
            Saved (audit record #{result.auditId}). The state above is read back from Postgres.
          </p>
          <ul className="small">
            {result.data.rowsWritten.map((row) => (
              <li key={row.var}>
                {row.var}: {row.how} <code>{JSON.stringify(row.value)}</code>
              </li>
            ))}
          </ul>
          {'error' in result.data.cache ? (
            <ErrorBox
              error={result.data.cache.error}
              note="Running Mastodon may serve the old mode for up to 10 minutes."
            />
          ) : (
            <p className="small" data-testid="registrations-cache-removed">
              Cache keys removed ({result.data.cache.prefix}…):{' '}
              {[...result.data.cache.removedFirst, ...result.data.cache.removedSecond].length === 0
                ? 'none were cached'
                : [...result.data.cache.removedFirst, ...result.data.cache.removedSecond].map((key) => (
                    <code key={key} className="registrations-key">
                      {key}
                    </code>
                  ))}
            </p>
          )}
        </div>
      ) : null}
    </>
  );
}
