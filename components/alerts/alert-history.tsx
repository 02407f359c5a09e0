import { useTranslations } from 'next-intl';

import { auditHref, formatAuditTime } from '@/components/audit/format';
import { TranslatedText } from '@/components/i18n/translated-text';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { HISTORY_LIMIT, type AlertsOverview } from '@/lib/alerts/overview';

import styles from './alerts.module.css';

const MESSAGE_KINDS = ['opened', 'reminder', 'recovered', 'test'] as const;

function isMessageKind(value: string): value is (typeof MESSAGE_KINDS)[number] {
  return (MESSAGE_KINDS as readonly string[]).includes(value);
}

function QueueLine({ queue }: { queue: NonNullable<AlertsOverview['queue']> }) {
  const t = useTranslations('alerts.history');
  return (
    <p className="muted small" data-testid="alert-queue">
      {t('queue', {
        delivered: queue.delivered,
        afterRetry: queue.deliveredAfterRetry,
        failedAttempts: queue.failedAttempts,
        pending: queue.pending,
        abandoned: queue.abandoned,
        dropped: queue.dropped,
      })}
    </p>
  );
}

/** The newest alert.sent and alert.failed records of the audit log: each one delivery attempt on one channel. */
export function AlertHistory({ overview }: { overview: AlertsOverview }) {
  const t = useTranslations('alerts.history');
  const { history, queue } = overview;
  return (
    <section aria-labelledby="alert-history-title" data-testid="alert-history">
      <h2 id="alert-history-title">{t('title')}</h2>
      <p className="muted small">
        {t.rich('intro', {
          limit: HISTORY_LIMIT,
          sent: (chunks) => <a href={auditHref({ action: 'alert.sent' })}>{chunks}</a>,
          failed: (chunks) => <a href={auditHref({ action: 'alert.failed' })}>{chunks}</a>,
        })}
      </p>
      {queue ? <QueueLine queue={queue} /> : null}
      {!history.ok ? (
        <ErrorBox error={history.error} testId="alert-history-error" />
      ) : history.entries.length === 0 ? (
        <p className="empty" data-testid="alert-history-empty">
          {t('empty')}
        </p>
      ) : (
        <table className={styles.history}>
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('channel')}</th>
              <th scope="col">{t('message')}</th>
              <th scope="col">{t('outcome')}</th>
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
                  {entry.actor && entry.actor !== 'alerts' ? (
                    <div className="muted small">{t('by', { actor: entry.actor })}</div>
                  ) : null}
                </td>
                <td>
                  {isMessageKind(entry.message) ? t(`kinds.${entry.message}`) : entry.message}
                  {entry.problem ? <div className="mono small">{entry.problem}</div> : null}
                  {entry.attempt !== undefined && entry.attempt > 1 ? (
                    <div className="muted small">{t('attempt', { attempt: entry.attempt })}</div>
                  ) : null}
                </td>
                <td>
                  {entry.delivered ? (
                    <Badge tone="good">{t('delivered')}</Badge>
                  ) : (
                    <>
                      <Badge tone="bad">{t('notDelivered')}</Badge>
                      <div className="small">
                        {entry.reason === undefined ? t('failed') : <TranslatedText text={entry.reason} />}
                      </div>
                      {entry.detail ? <div className="small mono">{entry.detail}</div> : null}
                      {entry.retryInSeconds !== undefined ? (
                        <div className="muted small">{t('retried', { seconds: entry.retryInSeconds })}</div>
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
