import { requireRouteSession } from '@/lib/auth/guard';
import { panelByName } from '@/lib/panels/registry';

export const dynamic = 'force-dynamic';

/** One panel's current data, for panels that refresh themselves (components/ui/use-panel.ts). */
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const load = panelByName((await params).name);
  if (!load) {
    return Response.json(
      {
        ok: false,
        error: { code: 'not_found', title: 'No such panel', detail: 'The dashboard has no panel of that name.' },
      },
      { status: 404 },
    );
  }
  return Response.json(await load(), { headers: { 'Cache-Control': 'no-store' } });
}
