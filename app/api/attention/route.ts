import { attentionPanel } from '@/lib/attention/panel';
import { requireRouteSession } from '@/lib/auth/guard';

export const dynamic = 'force-dynamic';

/**
 * The "Needs attention" list now, for the home page's panel to refresh itself (components/attention). It lives
 * beside /api/panels/<name> rather than in it because the detectors read those panels.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  return Response.json(await attentionPanel(), { headers: { 'Cache-Control': 'no-store' } });
}
