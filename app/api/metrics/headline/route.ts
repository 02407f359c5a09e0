import { requireRouteSession } from '@/lib/auth/guard';
import { headlinePanel } from '@/lib/panels/metrics';

export const dynamic = 'force-dynamic';

/** The home page's memory and CPU headline, which it refreshes at Telegraf's interval. */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  return Response.json(await headlinePanel(), { headers: { 'Cache-Control': 'no-store' } });
}
