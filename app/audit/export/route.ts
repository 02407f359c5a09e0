import { auditCsv, parseAuditQuery } from '@/lib/audit';
import { requireRouteSession } from '@/lib/auth/guard';
import { AppError, toErrorView } from '@/lib/errors';
import { getTranslate } from '@/lib/i18n/server';
import { renderText, text } from '@/lib/i18n/text';

export const dynamic = 'force-dynamic';

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** The audit log as CSV, with the page's filters (?action=&outcome=&beforeId=); every matching record. */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const query = parseAuditQuery(new URL(request.url).searchParams);
  // The answers below are read by the admin in the browser, so they are in the reader's language; the CSV is data.
  const translate = await getTranslate();
  if (!query.ok) {
    const problems = query.problems.map((problem) => renderText(translate, problem)).join(' ');
    return new Response(`${renderText(translate, text('audit.query.exportRefused', { problems }))}\n`, {
      status: 400,
      headers: TEXT,
    });
  }
  let csv: string;
  try {
    csv = auditCsv(query.filter);
  } catch (error) {
    if (!(error instanceof AppError)) console.error('[audit export]', error);
    const view = toErrorView(error);
    const message = `${renderText(translate, view.title)}: ${renderText(translate, view.detail)}`;
    return new Response(`${message}\n`, { status: 503, headers: TEXT });
  }
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="mastodash-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
