'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';

import { TranslatedText } from '@/components/i18n/translated-text';
import { Badge } from '@/components/ui/badge';
import type { CreatedAccount } from '@/lib/mastodon/accounts';

/**
 * The generated password, shown once. It lives in this component's state only: the server kept no copy,
 * so a reload or "I have stored it" makes it gone for good.
 */
export function PasswordOnce({ created, onDismiss }: { created: CreatedAccount; onDismiss: () => void }) {
  const t = useTranslations('accounts.passwordOnce');
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copyPassword = async () => {
    try {
      await navigator.clipboard.writeText(created.password);
      setCopy('copied');
    } catch {
      // Clipboard access needs a secure context (https or localhost through the SSH tunnel).
      setCopy('failed');
    }
  };
  const account = created.account;
  return (
    <section className="password-once" aria-labelledby="password-once-title" data-testid="password-once">
      <h2 id="password-once-title" data-testid="password-once-title">
        {t('title', { username: account?.username ?? '' })}
      </h2>
      <p className="password-warning" role="alert" data-testid="password-warning">
        {t.rich('warning', { strong: (chunks) => <strong>{chunks}</strong> })}
      </p>
      <div className="password-row">
        <code className="password-value" data-testid="generated-password">
          {created.password}
        </code>
        <button type="button" onClick={() => void copyPassword()} data-testid="copy-password">
          {copy === 'copied' ? t('copied') : t('copy')}
        </button>
      </div>
      <noscript>
        <p className="muted small">{t('noscript')}</p>
      </noscript>
      {copy === 'failed' ? <p className="field-error">{t('clipboardFailed')}</p> : null}
      {account ? (
        <dl className="facts" data-testid="created-account">
          <dt>{t('role')}</dt>
          <dd>{account.role ?? t('noRole')}</dd>
          <dt>{t('emailConfirmed')}</dt>
          <dd>
            <Badge tone={account.confirmed ? 'good' : 'warn'}>
              {account.confirmed ? t('confirmed') : t('notConfirmed')}
            </Badge>
          </dd>
          <dt>{t('approved')}</dt>
          <dd>
            <Badge tone={account.approved ? 'good' : 'warn'}>
              {account.approved ? t('approvedBadge') : t('pending')}
            </Badge>
          </dd>
        </dl>
      ) : null}
      <p className="muted small">{t('createdWith', { container: created.container, version: created.version })}</p>
      {created.warnings.map((warning) => (
        <p key={JSON.stringify(warning)} className="password-note" data-testid="create-warning">
          <TranslatedText text={warning} />
        </p>
      ))}
      <button type="button" className="secondary" onClick={onDismiss} data-testid="dismiss-password">
        {t('dismiss')}
      </button>
    </section>
  );
}
