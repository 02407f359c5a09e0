'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';

import { loginAction, loginLinkAction } from '@/app/login/actions';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import { EMPTY_FORM_STATE } from './form-state';

export function LoginForm({ next }: { next: string }) {
  const t = useTranslations('auth');
  const tCommon = useTranslations('common');
  const [state, submit, pending] = useActionState(loginAction, EMPTY_FORM_STATE);
  return (
    <form action={submit} className="form" data-testid="login-form" noValidate>
      <input type="hidden" name="next" value={next} />
      <label>
        {t('username')}
        <input
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          maxLength={64}
          defaultValue={state.values?.username}
          key={state.values?.username}
        />
        <FieldError errors={state.fieldErrors?.username} />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autoComplete="current-password" required maxLength={1024} />
        <FieldError errors={state.fieldErrors?.password} />
      </label>
      {state.error ? <ErrorBox error={state.error} testId="login-error" /> : null}
      <button type="submit" disabled={pending}>
        {pending ? tCommon('checking') : t('logIn')}
      </button>
    </form>
  );
}

export function LoginLinkForm({ token }: { token: string }) {
  const t = useTranslations('auth');
  const tCommon = useTranslations('common');
  const [state, submit, pending] = useActionState(loginLinkAction, EMPTY_FORM_STATE);
  return (
    <form action={submit} className="form" data-testid="login-link-form">
      <input type="hidden" name="token" value={token} />
      <p>{t('linkIntro')}</p>
      {state.error ? <ErrorBox error={state.error} testId="login-error" /> : null}
      <button type="submit" disabled={pending}>
        {pending ? tCommon('checking') : t('linkContinue')}
      </button>
    </form>
  );
}
