import { getTranslations } from 'next-intl/server';

import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { auditHref } from '@/components/audit/format';
import { ErrorBox } from '@/components/ui/error-box';
import { listAudit, parseAuditQuery, type AuditRecordView } from '@/lib/audit';
import { requireSession } from '@/lib/auth/guard';
import { AppError, toErrorView, type ErrorView } from '@/lib/errors';
import { getTranslate } from '@/lib/i18n/server';
import { renderText, text } from '@/lib/i18n/text';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 100;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const t = await getTranslations('audit.page');
  const translate = await getTranslate();
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
        <h1 id="audit-title">{t('title')}</h1>
        <a href={auditHref(kept, '/audit/export')} className="audit-export" data-testid="audit-export">
          {t('export')}
        </a>
      </div>
      <p className="muted small">{t('intro')}</p>
      <AuditFilters filter={filter} />
      {query.ok ? null : (
        <>
          <ErrorBox
            testId="audit-query-error"
            error={{
              code: 'invalid_input',
              title: text('audit.query.title'),
              // Each problem in the reader's language, joined as one detail.
              detail: query.problems.map((problem) => renderText(translate, problem)).join(' '),
              fix: text('audit.query.fix'),
            }}
          />
          <p>
            <a href="/audit">{t('showAll')}</a>
          </p>
        </>
      )}
      {readError ? <ErrorBox error={readError} testId="audit-read-error" /> : null}
      {query.ok && !readError ? (
        shown.length > 0 ? (
          <>
            <p className="summary" data-testid="audit-summary">
              {t('summary', {
                count: shown.length,
                filtered: filtered ? 'yes' : 'no',
                before: filter.beforeId === undefined ? 'none' : String(filter.beforeId),
              })}
            </p>
            <AuditTable records={shown} />
          </>
        ) : (
          <p className="empty" data-testid="audit-empty">
            {filtered || filter.beforeId !== undefined ? t('noMatch') : t('nothingYet')}
          </p>
        )
      ) : null}
      {filter.beforeId !== undefined || (records.length > PAGE_SIZE && oldest) ? (
        <nav className="audit-pages" aria-label={t('pages')}>
          {filter.beforeId !== undefined ? <a href={auditHref(kept)}>{t('newest')}</a> : null}
          {records.length > PAGE_SIZE && oldest ? (
            <a href={auditHref({ ...kept, beforeId: oldest.id })} data-testid="audit-older">
              {t('older')}
            </a>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
