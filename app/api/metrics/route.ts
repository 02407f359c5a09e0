import { requireRouteSession } from '@/lib/auth/guard';
import { graphsPanel } from '@/lib/panels/metrics';
import { metricsRangeSchema, rangeParams } from '@/lib/validations/metrics';

export const dynamic = 'force-dynamic';

/** The graphs' data for ?range=1h|6h|24h|7d|30d or ?range=custom&from=…&to=… (what the graphs page refreshes from). */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const parsed = metricsRangeSchema.safeParse(rangeParams(new URL(request.url).searchParams));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message);
    return Response.json(
      { ok: false, error: { code: 'invalid_input', title: 'Not a valid range', detail: problems.join('; ') } },
      { status: 400, headers: { 'Cache-Control': 'no-store' } },
    );
  }
  const result = await graphsPanel(parsed.data);
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
}
