import { requireRouteSession } from '@/lib/auth/guard';
import { openBackupDownload } from '@/lib/backups/download';
import { getConfig } from '@/lib/config';
import { AppError, toErrorView } from '@/lib/errors';
import { getTranslate } from '@/lib/i18n/server';
import { renderText, text, type Text } from '@/lib/i18n/text';
import { backupFileSchema, confirmDownloadHref } from '@/lib/validations/backups';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** A refusal in the reader's language (the browser shows this JSON as it is). */
async function refuse(status: number, code: string, title: Text, detail: Text): Promise<Response> {
  const t = await getTranslate();
  return Response.json(
    { error: { code, title: renderText(t, title), detail: renderText(t, detail) } },
    { status, headers: NO_STORE },
  );
}

/**
 * One file of a backup (the database dump holds every account; env.production every secret). It needs a session
 * with a recent login: without one the browser is sent to the password prompt, which sends it back here. Host is
 * checked as for every request; a request another site started (Sec-Fetch-Site cross-site or same-site, such as a
 * page on another localhost port) is refused, since cookies ignore ports.
 */
export async function GET(request: Request, { params }: { params: Promise<{ name: string; file: string }> }) {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    return refuse(
      403,
      'forbidden',
      text('backups.errors.refused.title'),
      text('backups.errors.refused.detail', { site }),
    );
  }
  const { name, file } = await params;
  const parsed = backupFileSchema.safeParse({ backup: name, file });
  if (!parsed.success) {
    return refuse(
      404,
      'not_found',
      text('backups.errors.noSuchFile.title'),
      text('backups.errors.noSuchFile.path', { name, file }),
    );
  }
  if (!session.recentlyAuthenticated) {
    return new Response(null, {
      status: 303,
      headers: { ...NO_STORE, Location: confirmDownloadHref(parsed.data) },
    });
  }
  try {
    const download = await openBackupDownload(getConfig().backups.dir, parsed.data, session);
    return new Response(download.body, {
      headers: {
        ...NO_STORE,
        'Content-Type': 'application/octet-stream',
        // Next 16 drops this header from route handlers (next/dist/server/send-response.js, FORBIDDEN_HEADERS) and
        // sends the body chunked; set anyway, for the day it passes it through. SHA256SUMS proves a copy complete.
        'Content-Length': String(download.bytes),
        // The file names are fixed (mastodon.dump, SHA256SUMS, …): sha256sum -c finds them under these names.
        'Content-Disposition': `attachment; filename="${download.file}"`,
      },
    });
  } catch (error) {
    if (!(error instanceof AppError)) console.error('[backup download]', error);
    const view = toErrorView(error);
    const t = await getTranslate();
    const words = {
      ...view,
      title: renderText(t, view.title),
      detail: renderText(t, view.detail),
      ...(view.fix ? { fix: renderText(t, view.fix) } : {}),
    };
    return Response.json({ error: words }, { status: view.code === 'not_found' ? 404 : 503, headers: NO_STORE });
  }
}
