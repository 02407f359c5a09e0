import { auditCsv, parseAuditQuery } from '@/lib/audit';
import { requireRouteSession } from '@/lib/auth/guard';
import { AppError, toErrorView } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** The audit log as CSV, with the page's filters (?action=&outcome=&beforeId=); every matching record. */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const query = parseAuditQuery(new URL(request.url).searchParams);
  if (!query.ok)
    return new Response(`This filter cannot be used: ${query.problems.join(' ')}\n`, { status: 400, headers: TEXT });
  let csv: string;
  try {
    csv = auditCsv(query.filter);
  } catch (error) {
    if (!(error instanceof AppError)) console.error('[audit export]', error);
    const view = toErrorView(error);
    return new Response(`${view.title}: ${view.detail}\n`, { status: 503, headers: TEXT });
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
