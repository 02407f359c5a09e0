import type { GuardRefusal } from './request-guard';
import { STATIC_SECURITY_HEADERS } from './security-headers';

/**
 * What a request the guard refused gets back. A browser navigation or form post (it asks for HTML) gets a
 * page that says what was refused, why, and how to get back; fetch, EventSource and other API clients keep
 * the short text line. The status stays 403 either way.
 *
 * The page echoes only the method, the path without its query (a login link's token lives there) and the
 * header that failed, all escaped; it names no configuration value.
 */
export interface RefusedRequest {
  method: string;
  url: string;
  headers: Pick<Headers, 'get'>;
}

export function wantsHtml(headers: Pick<Headers, 'get'>): boolean {
  return headers.get('sec-fetch-mode') === 'navigate' || (headers.get('accept') ?? '').includes('text/html');
}

export function refusalResponse(refusal: GuardRefusal, request: RefusedRequest): Response {
  if (!wantsHtml(request.headers)) {
    return new Response(`Forbidden: ${refusal.reason}\n`, {
      status: refusal.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', ...STATIC_SECURITY_HEADERS },
    });
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  return new Response(refusalPage(refusal, request, nonce), {
    status: refusal.status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      // The page runs no script and submits nothing.
      'Content-Security-Policy':
        `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action` +
        ` 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      ...STATIC_SECURITY_HEADERS,
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://placeholder').pathname;
  } catch {
    return '/';
  }
}

/** The tunnel's port, from a Host header that already parsed as name[:port]. */
function portOf(host: string | null): string {
  const port = /:(\d{1,5})$/.exec(host ?? '')?.[1];
  return port ? `:${port}` : '';
}

function explanation(
  refusal: GuardRefusal,
  request: RefusedRequest,
): { why: string[]; back: { href: string; label: string } } {
  if (refusal.rule === 'host') {
    const local = `http://localhost${portOf(request.headers.get('host'))}/`;
    return {
      why: [
        'The dashboard answers only to the names it is opened by: localhost, 127.0.0.1, [::1] and' +
          ' the names in ALLOWED_HOSTS. ' +
          'Another name in the address bar is what a DNS-rebinding attack looks like: a web site that points' +
          ' its own name at your tunnel.',
        'If you opened the dashboard through a reverse proxy under its own name, add that name to ALLOWED_HOSTS.',
      ],
      back: { href: local, label: `Open the dashboard at ${local}` },
    };
  }
  return {
    why: [
      'A change (a login, a logout, a restart, a form) must be sent by a page of this dashboard itself. ' +
        'A page of another web site, another program on localhost, or a sandboxed page (which sends Origin null)' +
        ' cannot act with your login: ' +
        'that is cross-site request forgery.',
      'If you sent this from the dashboard: go back, reload the page and send it again. A browser' +
        ' extension or setting that strips the ' +
        'Origin or Referer of requests can cause this refusal.',
    ],
    back: { href: '/', label: 'Back to the dashboard' },
  };
}

function refusalPage(refusal: GuardRefusal, request: RefusedRequest, nonce: string): string {
  const { why, back } = explanation(refusal, request);
  const what = `${request.method.toUpperCase()} ${pathOf(request.url)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Request refused · Mastodash</title>
<style nonce="${nonce}">
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
main { max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
code { overflow-wrap: anywhere; }
</style>
</head>
<body>
<main data-testid="refusal">
<h1>Request refused</h1>
<p>Mastodash refused <code>${escapeHtml(what)}</code> (${refusal.status} Forbidden) and did nothing.</p>
<h2>Why</h2>
<p data-testid="refusal-reason"><strong>${escapeHtml(refusal.reason)}.</strong></p>
${why.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>
</main>
</body>
</html>
`;
}
