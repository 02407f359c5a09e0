import { requireRouteSession } from '@/lib/auth/guard';
import { getTranslate } from '@/lib/i18n/server';
import { decodeText, renderText } from '@/lib/i18n/text';
import { graphsPanel } from '@/lib/panels/metrics';
import { metricsRangeSchema, rangeParams } from '@/lib/validations/metrics';

export const dynamic = 'force-dynamic';

/** The graphs' data for ?range=1h|6h|24h|7d|30d or ?range=custom&from=…&to=… (what the graphs page refreshes from). */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const parsed = metricsRangeSchema.safeParse(rangeParams(new URL(request.url).searchParams));
  if (!parsed.success) {
    const translate = await getTranslate();
    const problems = parsed.error.issues.map((issue) => renderText(translate, decodeText(issue.message)));
    return Response.json(
      {
        ok: false,
        error: { code: 'invalid_input', title: translate('graphs.invalidRange'), detail: problems.join('; ') },
      },
      { status: 400, headers: { 'Cache-Control': 'no-store' } },
    );
  }
  const result = await graphsPanel(parsed.data);
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
}
