import { inEnglish, translatorFor } from '../i18n/english';
import type { Locale } from '../i18n/locales';
import { renderText } from '../i18n/text';
import { localeOfAcceptLanguage } from '../i18n/negotiate';
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
    // API clients and scripts get the line in English, whatever the browser's language: it is grepped for.
    return new Response(`Forbidden: ${inEnglish(refusal.reason)}\n`, {
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

type Translate = ReturnType<typeof translatorFor>;

function explanation(
  refusal: GuardRefusal,
  request: RefusedRequest,
  t: Translate,
): { why: string[]; back: { href: string; label: string } } {
  if (refusal.rule === 'host') {
    const local = `http://localhost${portOf(request.headers.get('host'))}/`;
    return {
      why: [t('errors.refusal.hostWhy'), t('errors.refusal.hostProxy')],
      back: { href: local, label: t('errors.refusal.hostBack', { url: local }) },
    };
  }
  return {
    why: [t('errors.refusal.originWhy'), t('errors.refusal.originRetry')],
    back: { href: '/', label: t('errors.refusal.originBack') },
  };
}

/** The page is rendered outside React: its language is the browser's Accept-Language (or English). */
function refusalLocale(request: RefusedRequest): Locale {
  return localeOfAcceptLanguage(request.headers.get('accept-language'));
}

function refusalPage(refusal: GuardRefusal, request: RefusedRequest, nonce: string): string {
  const locale = refusalLocale(request);
  const t = translatorFor(locale);
  const { why, back } = explanation(refusal, request, t);
  const what = `${request.method.toUpperCase()} ${pathOf(request.url)}`;
  // The sentence is escaped with a marker for the request, which then goes in as <code>.
  const whatLine = escapeHtml(t('errors.refusal.what', { what: '\u0000', status: refusal.status })).replace(
    '\u0000',
    `<code>${escapeHtml(what)}</code>`,
  );
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(t('errors.refusal.pageTitle'))}</title>
<style nonce="${nonce}">
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
main { max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
code { overflow-wrap: anywhere; }
</style>
</head>
<body>
<main data-testid="refusal">
<h1>${escapeHtml(t('errors.refusal.title'))}</h1>
<p>${whatLine}</p>
<h2>${escapeHtml(t('errors.refusal.why'))}</h2>
<p data-testid="refusal-reason"><strong>${escapeHtml(renderText(t, refusal.reason))}.</strong></p>
${why.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>
</main>
</body>
</html>
`;
}
