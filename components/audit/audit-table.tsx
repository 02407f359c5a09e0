import { useLocale, useTranslations } from 'next-intl';
import type { ReactNode } from 'react';

import { TranslatedText } from '@/components/i18n/translated-text';
import { auditActionSchema, type AuditRecordView } from '@/lib/audit';
import { formatFor } from '@/lib/i18n/format';

import { formatAuditTime, formatDurationMs, formatRepeat, paramEntries } from './format';
import { OutcomeBadge } from './outcome-badge';

function ActionName({ action }: { action: string }) {
  const t = useTranslations('audit.actions');
  const known = auditActionSchema.safeParse(action);
  return (
    <>
      {known.success ? t(known.data) : action}
      <span className="mono muted audit-code">{action}</span>
    </>
  );
}

/** One cell; its content sits in one box so that narrow screens can show label and value side by side. */
function Cell({
  label,
  className,
  empty,
  children,
}: {
  label: string;
  className?: string;
  empty?: boolean;
  children: ReactNode;
}) {
  // Empty cells are hidden on narrow screens, where each one would take a line of the card.
  const classes = [className, empty ? 'audit-empty' : undefined].filter(Boolean).join(' ');
  return (
    <td data-label={label} className={classes || undefined}>
      <div>{children}</div>
    </td>
  );
}

function Params({ params }: { params: AuditRecordView['params'] }) {
  const entries = paramEntries(params);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="audit-params">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt className="mono">{key}</dt>
          <dd className="mono">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Newest first. On narrow screens each row becomes a card (see the audit section of globals.css). */
export function AuditTable({ records }: { records: AuditRecordView[] }) {
  const t = useTranslations('audit.table');
  const format = formatFor(useLocale());
  const labels = {
    when: t('when'),
    action: t('action'),
    target: t('target'),
    by: t('by'),
    outcome: t('outcome'),
    duration: t('duration'),
    parameters: t('parameters'),
  };
  return (
    <table className="audit-table" data-testid="audit-table">
      <thead>
        <tr>
          <th scope="col">{labels.when}</th>
          <th scope="col">{labels.action}</th>
          <th scope="col">{labels.target}</th>
          <th scope="col">{labels.by}</th>
          <th scope="col">{labels.outcome}</th>
          <th scope="col">{labels.duration}</th>
          <th scope="col">{labels.parameters}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((record) => {
          const repeat = formatRepeat(record);
          const trouble =
            record.outcome === 'failed' ||
            record.outcome === 'interrupted' ||
            (record.outcome === 'started' && !record.running);
          return (
            <tr
              key={record.id}
              id={`audit-${record.id}`}
              className={trouble ? 'audit-row audit-row-trouble' : 'audit-row'}
              data-testid="audit-record"
              data-outcome={record.running ? 'running' : record.outcome}
            >
              <Cell label={labels.when}>
                <time dateTime={record.startedAt} title={record.startedAt}>
                  {formatAuditTime(record.startedAt)}
                </time>
                <span className="muted audit-id">#{record.id}</span>
              </Cell>
              <Cell label={labels.action}>
                <ActionName action={record.action} />
                {repeat ? (
                  <span className="audit-repeat" data-testid="audit-repeat">
                    <TranslatedText text={repeat} />
                  </span>
                ) : null}
              </Cell>
              <Cell label={labels.target} className="mono" empty={record.target === null}>
                {record.target ?? <span className="muted">—</span>}
              </Cell>
              <Cell label={labels.by}>
                {record.actor ?? <span className="muted">—</span>}
                {record.session ? (
                  <span className="muted audit-session">{t('session', { session: record.session })}</span>
                ) : null}
              </Cell>
              <Cell label={labels.outcome}>
                <OutcomeBadge record={record} />
                {record.error ? <p className="audit-error">{record.error}</p> : null}
              </Cell>
              <Cell label={labels.duration} empty={!record.running && record.durationMs === null}>
                {record.running ? (
                  <span className="muted">{t('running')}</span>
                ) : (
                  formatDurationMs(record.durationMs, format)
                )}
              </Cell>
              <Cell label={labels.parameters} empty={Object.keys(record.params).length === 0}>
                <Params params={record.params} />
              </Cell>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
