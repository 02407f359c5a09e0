'use client';

import { useActionState, useEffect, useId } from 'react';

import { reauthAction } from '@/app/login/actions';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import { EMPTY_FORM_STATE } from './form-state';

/** Asks for the password again before a dangerous action, then lets the caller continue it. */
export function ReauthDialog({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const [state, submit, pending] = useActionState(reauthAction, EMPTY_FORM_STATE);
  const titleId = useId();
  useEffect(() => {
    if (state.done) onDone();
  }, [state.done, onDone]);
  return (
    <div className="dialog-backdrop">
      <form action={submit} className="form dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="reauth-dialog">
        <h2 id={titleId}>Confirm your password</h2>
        <p className="muted">This action changes the server. Enter your password to continue it.</p>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" autoFocus required maxLength={1024} />
          <FieldError errors={state.fieldErrors?.password} />
        </label>
        {state.error ? <ErrorBox error={state.error} /> : null}
        <div className="dialog-buttons">
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" disabled={pending}>
            {pending ? 'Checking…' : 'Confirm and continue'}
          </button>
        </div>
      </form>
    </div>
  );
}
