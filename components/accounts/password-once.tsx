'use client';

import { useState } from 'react';

import { Badge } from '@/components/ui/badge';
import type { CreatedAccount } from '@/lib/mastodon/accounts';

/**
 * The generated password, shown once. It lives in this component's state only: the server kept no copy,
 * so a reload or "I have stored it" makes it gone for good.
 */
export function PasswordOnce({ created, onDismiss }: { created: CreatedAccount; onDismiss: () => void }) {
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
      <h2 id="password-once-title">Account created: @{account?.username ?? ''}</h2>
      <p className="password-warning" role="alert">
        <strong>Store it now:</strong> the password is shown only once and cannot be shown again.
      </p>
      <div className="password-row">
        <code className="password-value" data-testid="generated-password">
          {created.password}
        </code>
        <button type="button" onClick={() => void copyPassword()} data-testid="copy-password">
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <noscript>
        <p className="muted small">
          Copy needs JavaScript: select the password and copy it by hand. Leaving or reloading this page removes it.
        </p>
      </noscript>
      {copy === 'failed' ? (
        <p className="field-error">The browser refused the clipboard; select the password and copy it by hand.</p>
      ) : null}
      {account ? (
        <dl className="facts" data-testid="created-account">
          <dt>Role</dt>
          <dd>{account.role ?? '(none)'}</dd>
          <dt>Email confirmed</dt>
          <dd>
            <Badge tone={account.confirmed ? 'good' : 'warn'}>
              {account.confirmed ? 'Confirmed' : 'Not confirmed'}
            </Badge>
          </dd>
          <dt>Approved</dt>
          <dd>
            <Badge tone={account.approved ? 'good' : 'warn'}>
              {account.approved ? 'Approved' : 'Pending approval'}
            </Badge>
          </dd>
        </dl>
      ) : null}
      <p className="muted small">
        Created with tootctl in {created.container} (Mastodon {created.version}). Log in with the email address and this
        password.
      </p>
      {created.warnings.map((warning) => (
        <p key={warning} className="password-note" data-testid="create-warning">
          {warning}
        </p>
      ))}
      <button type="button" className="secondary" onClick={onDismiss} data-testid="dismiss-password">
        I have stored it
      </button>
    </section>
  );
}
