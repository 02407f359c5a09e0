'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';

import { sendTestAlertAction } from '@/app/alerts/actions';
import { TranslatedText } from '@/components/i18n/translated-text';
import { ErrorBox } from '@/components/ui/error-box';
import type { DeliveryOutcomeView } from '@/lib/alerts/overview';
import { renderText } from '@/lib/i18n/text';

import styles from './alerts.module.css';

type Answer = Awaited<ReturnType<typeof sendTestAlertAction>> | null;

function Outcome({ outcome, auditId }: { outcome: DeliveryOutcomeView; auditId: number }) {
  const t = useTranslations('alerts.test');
  const translate = useTranslations();
  return (
    <div
      className={styles.outcome}
      role="status"
      data-testid={`test-result-${outcome.channel}`}
      data-ok={outcome.ok}
      data-reason={outcome.reason ?? 'delivered'}
    >
      <p className={outcome.ok ? 'action-ok' : 'action-failed'}>
        <strong>
          <TranslatedText text={outcome.headline} />
        </strong>{' '}
        <span className="muted small">{t('auditRecord', { id: String(auditId) })}</span>
      </p>
      {outcome.detail ? <p className="small mono">{outcome.detail}</p> : null}
      {outcome.fix ? <p className="small">{t('check', { fix: renderText(translate, outcome.fix) })}</p> : null}
    </div>
  );
}

/**
 * One attempt on one channel, no retries: the admin waits for the answer. A plain form post as well, so it
 * works before the page's scripts run and without them (docs/design.md, "Forms work as plain posts").
 */
export function TestMessageForm({ channel }: { channel: DeliveryOutcomeView['channel'] }) {
  const t = useTranslations('alerts.test');
  const [result, submit, pending] = useActionState<Answer, FormData>(sendTestAlertAction, null);
  return (
    <form action={submit} className={styles.testForm} data-testid={`test-form-${channel}`}>
      <input type="hidden" name="channel" value={channel} />
      <button type="submit" disabled={pending} data-testid={`send-test-${channel}`}>
        {pending ? t('sending') : t('send')}
      </button>
      {result?.ok ? <Outcome outcome={result.data} auditId={result.auditId} /> : null}
      {result && !result.ok ? <ErrorBox error={result.error} testId={`test-error-${channel}`} /> : null}
    </form>
  );
}
