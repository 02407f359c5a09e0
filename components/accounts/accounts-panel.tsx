'use client';

import { useCallback, useRef, useState, type FormEvent } from 'react';

import { createAccountAction } from '@/app/accounts/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { useGuardedAction } from '@/components/auth/use-guarded-action';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import type { ActionResult } from '@/lib/actions/result';
import type { ErrorView } from '@/lib/errors';
import type { CreatedAccount, OwnerView, RoleView } from '@/lib/mastodon/accounts';
import { createAccountSchema, EMAIL_MAX, ROLE_MAX, type AccountFieldErrors } from '@/lib/validations/accounts';
import { OwnersList } from './owners-list';
import { PasswordOnce } from './password-once';

interface CreateAccountFormInput {
  username: string;
  email: string;
  role: string;
  confirmed: boolean;
  approve: boolean;
}

function defaultRole(roles: RoleView[] | undefined): string {
  if (!roles || roles.length === 0) return 'Owner';
  return (roles.find((role) => role.name === 'Owner') ?? roles.find((role) => role.administrator) ?? roles[0])?.name ?? 'Owner';
}

export function AccountsPanel({
  roles,
  rolesError,
  owners: initialOwners,
  ownersError,
}: {
  roles?: RoleView[];
  rolesError?: ErrorView;
  owners?: OwnerView[];
  ownersError?: ErrorView;
}) {
  // The created account and its password: this state is the only place the password exists. The wrapper
  // below takes it out of the action's answer, so the hook's own copy of the result never holds it.
  const [created, setCreated] = useState<CreatedAccount>();
  const formRef = useRef<HTMLFormElement>(null);
  const create = useCallback(async (input: CreateAccountFormInput): Promise<ActionResult<{ username: string }>> => {
    const answer = await createAccountAction(input);
    if (!answer.ok) return answer;
    setCreated(answer.data);
    formRef.current?.reset();
    return { ok: true, auditId: answer.auditId, data: { username: answer.data.account?.username ?? input.username } };
  }, []);
  const { run, pending, result, awaitingPassword, onReauthenticated, cancelReauth } = useGuardedAction(create);
  const [clientErrors, setClientErrors] = useState<AccountFieldErrors>();

  const owners = created && created.owners.length > 0 ? created.owners : initialOwners;
  const serverErrors: AccountFieldErrors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const fieldErrors: AccountFieldErrors = clientErrors ?? serverErrors;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input: CreateAccountFormInput = {
      username: String(form.get('username') ?? ''),
      email: String(form.get('email') ?? ''),
      role: String(form.get('role') ?? ''),
      confirmed: form.get('confirmed') === 'on',
      approve: form.get('approve') === 'on',
    };
    // The same schema runs again on the server; this only answers faster.
    const parsed = createAccountSchema.safeParse(input);
    if (!parsed.success) {
      setClientErrors(parsed.error.flatten().fieldErrors as AccountFieldErrors);
      return;
    }
    setClientErrors(undefined);
    setCreated(undefined);
    void run(input);
  };

  const generalError = result && !result.ok && !clientErrors ? result.error : undefined;

  return (
    <div className="accounts">
      <section className="panel" aria-labelledby="create-account-title">
        <div className="panel-head">
          <h1 id="create-account-title">Create an account</h1>
        </div>
        <p className="muted small">
          Runs <code>tootctl accounts create</code> in the web container (sidekiq when web is not running). Mastodon generates the
          password.
        </p>
        {created ? <PasswordOnce created={created} onDismiss={() => setCreated(undefined)} /> : null}
        <form ref={formRef} className="form account-form" onSubmit={submit} noValidate data-testid="create-account-form">
          <label>
            Username
            <input name="username" autoComplete="off" spellCheck={false} maxLength={64} placeholder="e.g. alice" data-testid="username" />
            <span className="muted small">Letters a–z, digits and _; at most 30 characters.</span>
            <FieldError errors={fieldErrors.username} />
          </label>
          <label>
            Email
            <input name="email" type="email" autoComplete="off" spellCheck={false} maxLength={EMAIL_MAX + 10} data-testid="email" />
            <FieldError errors={fieldErrors.email} />
          </label>
          <label>
            Role
            {roles && roles.length > 0 ? (
              <select name="role" defaultValue={defaultRole(roles)} data-testid="role">
                {roles.map((role) => (
                  <option key={role.id} value={role.name}>
                    {role.name}
                    {role.administrator ? ' (administrator)' : ''}
                  </option>
                ))}
              </select>
            ) : (
              <input name="role" defaultValue="Owner" maxLength={ROLE_MAX} data-testid="role" />
            )}
            <FieldError errors={fieldErrors.role} />
          </label>
          {rolesError ? (
            <ErrorBox error={rolesError} testId="roles-error" note="The roles could not be read; type the role's exact name (case-sensitive)." />
          ) : null}
          <label className="checkbox">
            <input type="checkbox" name="confirmed" defaultChecked data-testid="confirmed" />
            Email confirmed (no confirmation mail is needed)
          </label>
          <label className="checkbox">
            <input type="checkbox" name="approve" defaultChecked data-testid="approve" />
            Approved (can log in even when registrations need approval)
          </label>
          {generalError ? <ErrorBox error={generalError} testId="create-error" /> : null}
          <div>
            <button type="submit" disabled={pending} data-testid="create-account">
              {pending ? 'Creating… (tootctl can take a minute)' : 'Create account'}
            </button>
          </div>
        </form>
        {awaitingPassword ? <ReauthDialog onDone={onReauthenticated} onCancel={cancelReauth} /> : null}
      </section>

      <section className="panel" aria-labelledby="owners-title">
        <div className="panel-head">
          <h2 id="owners-title">Owners</h2>
        </div>
        {owners ? <OwnersList owners={owners} /> : null}
        {!owners && ownersError ? <ErrorBox error={ownersError} testId="owners-error" /> : null}
      </section>
    </div>
  );
}
