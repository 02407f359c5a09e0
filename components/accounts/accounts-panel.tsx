'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState, type FormEvent } from 'react';

import { createAccountAction } from '@/app/accounts/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import type { ActionResult } from '@/lib/actions/result';
import type { ErrorView } from '@/lib/errors';
import type { CreatedAccount, OwnerView, RoleView } from '@/lib/mastodon/accounts';
import {
  accountFormInput,
  createAccountSchema,
  EMAIL_MAX,
  ROLE_MAX,
  type AccountFieldErrors,
} from '@/lib/validations/accounts';
import { defaultRoleName } from './default-role';
import { OwnersList } from './owners-list';
import { PasswordOnce } from './password-once';

type Answer = ActionResult<CreatedAccount> | null;

interface Typed {
  username?: string;
  email?: string;
  role?: string;
  confirmed?: boolean;
  approve?: boolean;
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
  // The form posts to the server action directly, so it works as a plain HTML form too. The created account
  // and its password live in the action's answer only; "I have stored it" hides it, the next answer replaces it.
  const t = useTranslations('accounts.page');
  const [answer, submit, pending] = useActionState<Answer, FormData>(createAccountAction, null);
  const [hidden, setHidden] = useState<Answer>(null);
  const [clientErrors, setClientErrors] = useState<AccountFieldErrors>();
  // React resets the form after each answer; what was typed comes back after a refusal (never after a success).
  const [typed, setTyped] = useState<Typed>({});

  const created = answer?.ok && answer !== hidden ? answer.data : undefined;
  const owners = answer?.ok && answer.data.owners.length > 0 ? answer.data.owners : initialOwners;
  const refusal = answer && !answer.ok && answer !== hidden ? answer : undefined;
  const askingPassword = refusal?.error.code === 'reauth_required';
  const fieldErrors: AccountFieldErrors = clientErrors ?? refusal?.fieldErrors ?? {};
  const defaults: Typed = answer?.ok ? {} : typed;

  const check = (event: FormEvent<HTMLFormElement>) => {
    const form = new FormData(event.currentTarget);
    setTyped({
      username: String(form.get('username') ?? ''),
      email: String(form.get('email') ?? ''),
      role: String(form.get('role') ?? ''),
      confirmed: form.get('confirmed') === 'on',
      approve: form.get('approve') === 'on',
    });
    // The same schema runs again on the server; this only answers faster.
    const parsed = createAccountSchema.safeParse(accountFormInput(form));
    if (!parsed.success) {
      event.preventDefault();
      setClientErrors(parsed.error.flatten().fieldErrors as AccountFieldErrors);
      return;
    }
    setClientErrors(undefined);
    setHidden(answer);
  };

  const generalError = refusal && !askingPassword && !clientErrors ? refusal.error : undefined;

  return (
    <div className="accounts">
      <section className="panel" aria-labelledby="create-account-title">
        <div className="panel-head">
          <h1 id="create-account-title">{t('title')}</h1>
        </div>
        <p className="muted small">{t.rich('intro', { code: (chunks) => <code>{chunks}</code> })}</p>
        {created ? <PasswordOnce created={created} onDismiss={() => setHidden(answer)} /> : null}
        <form
          action={submit}
          onSubmit={check}
          className="form account-form"
          noValidate
          data-testid="create-account-form"
        >
          <label>
            {t('username')}
            <input
              name="username"
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
              placeholder={t('usernamePlaceholder')}
              defaultValue={defaults.username}
              data-testid="username"
            />
            <span className="muted small">{t('usernameHint')}</span>
            <FieldError errors={fieldErrors.username} />
          </label>
          <label>
            {t('email')}
            <input
              name="email"
              type="email"
              autoComplete="off"
              spellCheck={false}
              maxLength={EMAIL_MAX + 10}
              defaultValue={defaults.email}
              data-testid="email"
            />
            <FieldError errors={fieldErrors.email} />
          </label>
          <label>
            {t('role')}
            {roles && roles.length > 0 ? (
              <select name="role" defaultValue={defaults.role ?? defaultRoleName(roles)} data-testid="role">
                {roles.map((role) => (
                  <option key={role.id} value={role.name}>
                    {role.administrator ? t('roleAdministrator', { role: role.name }) : role.name}
                  </option>
                ))}
              </select>
            ) : (
              <input
                name="role"
                defaultValue={defaults.role ?? defaultRoleName(roles)}
                maxLength={ROLE_MAX}
                data-testid="role"
              />
            )}
            <FieldError errors={fieldErrors.role} />
          </label>
          {rolesError ? <ErrorBox error={rolesError} testId="roles-error" note={t('rolesErrorNote')} /> : null}
          <label className="checkbox">
            <input
              type="checkbox"
              name="confirmed"
              defaultChecked={defaults.confirmed ?? true}
              data-testid="confirmed"
            />
            {t('confirmed')}
          </label>
          <label className="checkbox">
            <input type="checkbox" name="approve" defaultChecked={defaults.approve ?? true} data-testid="approve" />
            {t('approve')}
          </label>
          {generalError ? <ErrorBox error={generalError} testId="create-error" /> : null}
          <div>
            <button type="submit" disabled={pending} data-testid="create-account">
              {pending ? t('creating') : t('create')}
            </button>
          </div>
          {refusal && askingPassword ? (
            <ReauthDialog errors={refusal.fieldErrors?.password} onCancel={() => setHidden(refusal)} />
          ) : null}
        </form>
      </section>

      <section className="panel" aria-labelledby="owners-title">
        <div className="panel-head">
          <h2 id="owners-title">{t('ownersTitle')}</h2>
        </div>
        {owners ? <OwnersList owners={owners} /> : null}
        {!owners && ownersError ? <ErrorBox error={ownersError} testId="owners-error" /> : null}
      </section>
    </div>
  );
}
