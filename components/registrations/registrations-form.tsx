'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState, useSyncExternalStore } from 'react';

import { changeRegistrationsAction } from '@/app/registrations/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import type { RegistrationsMode, RegistrationsReport } from '@/lib/mastodon/registrations';
import { RegistrationsState } from './registrations-state';

const CHOICES: readonly RegistrationsMode[] = ['open', 'approved', 'none'];

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
  const t = useTranslations('registrations');
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
          <legend>{t('form.legend')}</legend>
          {CHOICES.map((choice) => (
            <label key={choice} className="registrations-choice">
              <input
                type="radio"
                name="mode"
                value={choice}
                checked={mode === choice}
                onChange={() => setMode(choice)}
                data-testid={`registrations-choice-${choice}`}
              />
              <span>
                <strong>{t(`modes.${choice}`)}</strong>
                <span className="muted small"> {t(`form.explanations.${choice}`)}</span>
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
              <strong>{t('form.requireReason')}</strong>
              <span className="muted small"> {t('form.requireReasonHint')}</span>
            </span>
          </label>
          <FieldError errors={errors?.requireReason ?? errors?.from} />
          <div>
            <button type="submit" data-testid="registrations-submit">
              {pending ? t('form.saving') : t('form.save')}
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
          <p className="action-ok">{t('form.saved', { auditId: String(result.auditId) })}</p>
          <ul className="small">
            {result.data.rowsWritten.map((row) => (
              <li key={row.var}>
                {row.var}: {t(`form.rowWritten.${row.how}`)} <code>{JSON.stringify(row.value)}</code>
              </li>
            ))}
          </ul>
          {'error' in result.data.cache ? (
            <ErrorBox error={result.data.cache.error} note={t('form.cacheNote')} />
          ) : (
            <p className="small" data-testid="registrations-cache-removed">
              {t('form.cacheRemoved', { prefix: result.data.cache.prefix })}{' '}
              {[...result.data.cache.removedFirst, ...result.data.cache.removedSecond].length === 0
                ? t('form.noneCached')
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
