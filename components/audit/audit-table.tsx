import type { ReactNode } from 'react';

import { auditActionSchema, type AuditRecordView } from '@/lib/audit';
import { AUDIT_ACTION_LABELS } from '@/lib/audit/actions';

import { formatAuditTime, formatDurationMs, formatRepeat, paramEntries } from './format';
import { OutcomeBadge } from './outcome-badge';

function ActionName({ action }: { action: string }) {
  const known = auditActionSchema.safeParse(action);
  return (
    <>
      {known.success ? AUDIT_ACTION_LABELS[known.data] : action}
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
  return (
    <table className="audit-table" data-testid="audit-table">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">By</th>
          <th scope="col">Outcome</th>
          <th scope="col">Duration</th>
          <th scope="col">Parameters</th>
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
              <Cell label="When">
                <time dateTime={record.startedAt} title={record.startedAt}>
                  {formatAuditTime(record.startedAt)}
                </time>
                <span className="muted audit-id">#{record.id}</span>
              </Cell>
              <Cell label="Action">
                <ActionName action={record.action} />
                {repeat ? (
                  <span className="audit-repeat" data-testid="audit-repeat">
                    {repeat}
                  </span>
                ) : null}
              </Cell>
              <Cell label="Target" className="mono" empty={record.target === null}>
                {record.target ?? <span className="muted">—</span>}
              </Cell>
              <Cell label="By">
                {record.actor ?? <span className="muted">—</span>}
                {record.session ? <span className="muted audit-session">session {record.session}</span> : null}
              </Cell>
              <Cell label="Outcome">
                <OutcomeBadge record={record} />
                {record.error ? <p className="audit-error">{record.error}</p> : null}
              </Cell>
              <Cell label="Duration" empty={!record.running && record.durationMs === null}>
                {record.running ? <span className="muted">running</span> : formatDurationMs(record.durationMs)}
              </Cell>
              <Cell label="Parameters" empty={Object.keys(record.params).length === 0}>
                <Params params={record.params} />
              </Cell>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
