'use client';

import { useTranslations } from 'next-intl';
import { useId } from 'react';
import { useFormStatus } from 'react-dom';

import { FieldError } from '@/components/ui/field-error';

/**
 * Asks for the password again before a dangerous action. It is rendered inside the action's own form, so
 * the password travels with the action in one post and the action continues once it is right; that works
 * as a plain HTML form too, before the page's scripts have run or without them.
 */
export function ReauthDialog({ errors, onCancel }: { errors?: string[]; onCancel: () => void }) {
  const t = useTranslations('auth');
  const tCommon = useTranslations('common');
  const { pending } = useFormStatus();
  const titleId = useId();
  return (
    <div className="dialog-backdrop">
      <div
        className="form dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="reauth-dialog"
      >
        <h2 id={titleId}>{t('reauth.title')}</h2>
        <p className="muted">{t('reauth.intro')}</p>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" autoFocus required maxLength={1024} />
          <FieldError errors={errors} />
        </label>
        <div className="dialog-buttons">
          {/* A link, so that Cancel works without JavaScript too: it reloads the page the form is on. */}
          <a
            href=""
            onClick={(event) => {
              event.preventDefault();
              onCancel();
            }}
          >
            {tCommon('cancel')}
          </a>
          <button type="submit" disabled={pending} data-reauth>
            {pending ? tCommon('checking') : t('reauth.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
