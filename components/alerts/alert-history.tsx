import { auditHref, formatAuditTime } from '@/components/audit/format';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { HISTORY_LIMIT, type AlertsOverview } from '@/lib/alerts/overview';

import styles from './alerts.module.css';

function QueueLine({ queue }: { queue: NonNullable<AlertsOverview['queue']> }) {
  return (
    <p className="muted small" data-testid="alert-queue">
      The watcher&apos;s queue since the dashboard started: {queue.delivered} delivered
      {` (${queue.deliveredAfterRetry} after a retry), ${queue.failedAttempts} failed attempts, `}
      {`${queue.pending} waiting, ${queue.abandoned} given up, ${queue.dropped} dropped from a full queue.`}
    </p>
  );
}

/** The newest alert.sent and alert.failed records of the audit log: each one delivery attempt on one channel. */
export function AlertHistory({ overview }: { overview: AlertsOverview }) {
  const { history, queue } = overview;
  return (
    <section aria-labelledby="alert-history-title" data-testid="alert-history">
      <h2 id="alert-history-title">History</h2>
      <p className="muted small">
        The newest {HISTORY_LIMIT} attempts, each one message on one channel. All of them in the audit log:{' '}
        <a href={auditHref({ action: 'alert.sent' })}>sent</a>,{' '}
        <a href={auditHref({ action: 'alert.failed' })}>failed</a>.
      </p>
      {queue ? <QueueLine queue={queue} /> : null}
      {!history.ok ? (
        <ErrorBox error={history.error} testId="alert-history-error" />
      ) : history.entries.length === 0 ? (
        <p className="empty" data-testid="alert-history-empty">
          No message was sent or tried yet.
        </p>
      ) : (
        <table className={styles.history}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Channel</th>
              <th scope="col">Message</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {history.entries.map((entry) => (
              <tr
                key={entry.id}
                data-testid="alert-history-row"
                data-channel={entry.channel}
                data-message={entry.message}
                data-delivered={entry.delivered}
              >
                <td className="mono">
                  <a href={`${auditHref({ beforeId: entry.id + 1 })}#audit-${entry.id}`}>{formatAuditTime(entry.at)}</a>
                </td>
                <td>
                  {entry.target ?? entry.channel}
                  {entry.actor && entry.actor !== 'alerts' ? <div className="muted small">by {entry.actor}</div> : null}
                </td>
                <td>
                  {entry.message}
                  {entry.problem ? <div className="mono small">{entry.problem}</div> : null}
                  {entry.attempt !== undefined && entry.attempt > 1 ? (
                    <div className="muted small">attempt {entry.attempt}</div>
                  ) : null}
                </td>
                <td>
                  {entry.delivered ? (
                    <Badge tone="good">Delivered</Badge>
                  ) : (
                    <>
                      <Badge tone="bad">Not delivered</Badge>
                      <div className="small">{entry.reason ?? 'failed'}</div>
                      {entry.detail ? <div className="small mono">{entry.detail}</div> : null}
                      {entry.retryInSeconds !== undefined ? (
                        <div className="muted small">tried again after {entry.retryInSeconds} s</div>
                      ) : null}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
