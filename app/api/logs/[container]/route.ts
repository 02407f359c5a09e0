import { requireRouteSession } from '@/lib/auth/guard';
import { filterLogLines, formatLogText } from '@/lib/docker/log-types';
import { AppError, toErrorView } from '@/lib/errors';
import { getTranslate } from '@/lib/i18n/server';
import { decodeText, renderText } from '@/lib/i18n/text';
import { loadContainerLogs } from '@/lib/panels/logs';
import { logsQuerySchema } from '@/lib/validations/logs';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

function status(error: unknown): number {
  if (!(error instanceof AppError)) return 500;
  if (error.code === 'not_found') return 404;
  if (error.code === 'invalid_input') return 400;
  return 503;
}

/**
 * The last lines of one of the project's containers (?tail=, default 200) with the recognisers' findings,
 * as JSON; with ?download=1 the lines as a text file. ?q= filters both as the log view does.
 */
export async function GET(request: Request, { params }: { params: Promise<{ container: string }> }): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const search = new URL(request.url).searchParams;
  const parsed = logsQuerySchema.safeParse({ ...Object.fromEntries(search), container: (await params).container });
  if (!parsed.success) {
    const translate = await getTranslate();
    const detail = parsed.error.issues.map((issue) => renderText(translate, decodeText(issue.message))).join('; ');
    return Response.json(
      { error: { code: 'invalid_input', title: translate('logs.errors.invalidRequest'), detail } },
      { status: 400, headers: NO_STORE },
    );
  }
  const { container, tail, q, download } = parsed.data;
  try {
    const logs = await loadContainerLogs(container, { tail });
    const lines = filterLogLines(logs.lines, q);
    if (download) {
      // The name passed the container-name pattern and is the project's own, so it needs no quoting beyond this.
      const stamp = logs.fetchedAt.replace(/[:.]/g, '-');
      return new Response(formatLogText(lines), {
        headers: {
          ...NO_STORE,
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Disposition': `attachment; filename="${logs.container.name}-${stamp}.log"`,
        },
      });
    }
    return Response.json({ ...logs, lines, q }, { headers: NO_STORE });
  } catch (error) {
    if (!(error instanceof AppError)) console.error('[logs]', error);
    return Response.json({ error: toErrorView(error) }, { status: status(error), headers: NO_STORE });
  }
}
