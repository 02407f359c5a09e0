import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { auditHref } from '@/components/audit/format';
import { ErrorBox } from '@/components/ui/error-box';
import { listAudit, parseAuditQuery, type AuditRecordView } from '@/lib/audit';
import { requireSession } from '@/lib/auth/guard';
import { AppError, toErrorView, type ErrorView } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 100;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const query = parseAuditQuery(await searchParams);
  const filter = query.ok ? query.filter : {};
  const kept = { action: filter.action, outcome: filter.outcome };

  let records: AuditRecordView[] = [];
  let readError: ErrorView | undefined;
  if (query.ok) {
    try {
      // One more than a page tells whether older records exist.
      records = listAudit({ ...filter, limit: PAGE_SIZE + 1 });
    } catch (error) {
      if (!(error instanceof AppError)) console.error('[audit page]', error);
      readError = toErrorView(error);
    }
  }
  const shown = records.slice(0, PAGE_SIZE);
  const oldest = shown.at(-1);
  const filtered = Boolean(filter.action || filter.outcome);

  return (
    <section className="panel audit" aria-labelledby="audit-title">
      <div className="panel-head">
        <h1 id="audit-title">Audit log</h1>
        <a href={auditHref(kept, '/audit/export')} className="audit-export" data-testid="audit-export">
          Export CSV
        </a>
      </div>
      <p className="muted small">
        Every action and login, newest first. Records are never changed afterwards (repeated failed logins are counted
        in one row per 5 minutes), and secrets are removed before anything is written. Records older than the retention
        period move to a CSV archive file on the server, and that move is recorded here.
      </p>
      <AuditFilters filter={filter} />
      {query.ok ? null : (
        <>
          <ErrorBox
            testId="audit-query-error"
            error={{
              code: 'invalid_input',
              title: 'This filter cannot be used',
              detail: query.problems.join(' '),
              fix: 'Choose an action and an outcome from the lists above.',
            }}
          />
          <p>
            <a href="/audit">Show the whole audit log</a>
          </p>
        </>
      )}
      {readError ? <ErrorBox error={readError} testId="audit-read-error" /> : null}
      {query.ok && !readError ? (
        shown.length > 0 ? (
          <>
            <p className="summary" data-testid="audit-summary">
              {shown.length} record{shown.length === 1 ? '' : 's'}
              {filtered ? ' matching the filter' : ''}
              {filter.beforeId !== undefined ? `, older than #${filter.beforeId}` : ''}
            </p>
            <AuditTable records={shown} />
          </>
        ) : (
          <p className="empty">
            {filtered || filter.beforeId !== undefined
              ? 'No records match this filter.'
              : 'Nothing has been recorded yet.'}
          </p>
        )
      ) : null}
      {filter.beforeId !== undefined || (records.length > PAGE_SIZE && oldest) ? (
        <nav className="audit-pages" aria-label="Pages of the audit log">
          {filter.beforeId !== undefined ? <a href={auditHref(kept)}>Newest records</a> : null}
          {records.length > PAGE_SIZE && oldest ? (
            <a href={auditHref({ ...kept, beforeId: oldest.id })} data-testid="audit-older">
              Load older
            </a>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
