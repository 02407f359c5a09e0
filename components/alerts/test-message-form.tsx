'use client';

import { useActionState } from 'react';

import { sendTestAlertAction } from '@/app/alerts/actions';
import { ErrorBox } from '@/components/ui/error-box';
import type { DeliveryOutcomeView } from '@/lib/alerts/overview';

import styles from './alerts.module.css';

type Answer = Awaited<ReturnType<typeof sendTestAlertAction>> | null;

function Outcome({ outcome, auditId }: { outcome: DeliveryOutcomeView; auditId: number }) {
  return (
    <div
      className={styles.outcome}
      role="status"
      data-testid={`test-result-${outcome.channel}`}
      data-ok={outcome.ok}
      data-reason={outcome.reason ?? 'delivered'}
    >
      <p className={outcome.ok ? 'action-ok' : 'action-failed'}>
        <strong>{outcome.headline}</strong> <span className="muted small">(audit record #{auditId})</span>
      </p>
      {outcome.detail ? <p className="small mono">{outcome.detail}</p> : null}
      {outcome.fix ? <p className="small">Check: {outcome.fix}</p> : null}
    </div>
  );
}

/**
 * One attempt on one channel, no retries: the admin waits for the answer. A plain form post as well, so it
 * works before the page's scripts run and without them (docs/design.md, "Forms work as plain posts").
 */
export function TestMessageForm({ channel }: { channel: DeliveryOutcomeView['channel'] }) {
  const [result, submit, pending] = useActionState<Answer, FormData>(sendTestAlertAction, null);
  return (
    <form action={submit} className={styles.testForm} data-testid={`test-form-${channel}`}>
      <input type="hidden" name="channel" value={channel} />
      <button type="submit" disabled={pending} data-testid={`send-test-${channel}`}>
        {pending ? 'Sending…' : 'Send a test message'}
      </button>
      {result?.ok ? <Outcome outcome={result.data} auditId={result.auditId} /> : null}
      {result && !result.ok ? <ErrorBox error={result.error} testId={`test-error-${channel}`} /> : null}
    </form>
  );
}
