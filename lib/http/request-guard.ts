/**
 * The two request checks every entry point runs, in proxy.ts and again in the session guard
 * (CVE-2025-29927 is why the proxy alone is not trusted):
 * - Host allow-list: a DNS-rebinding page reaches the tunnel as `Host: evil.example:3001`; any name that
 *   is not loopback or explicitly allowed is refused before any work is done.
 * - Origin on mutations: another localhost port shares our cookies (cookies ignore ports), so every
 *   state-changing request must come from exactly our own origin, port included.
 */
import { text, type Text } from '../i18n/text';

/** Which rule refused: the Host allow-list, or the same-origin rule for mutations. */
export type GuardRule = 'host' | 'origin';
/** `reason` names the header that failed, in the reader's language (the refusal page, the login form). */
export type GuardRefusal = { ok: false; status: 403; rule: GuardRule; reason: Text };
export type GuardVerdict = { ok: true } | GuardRefusal;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Splits a Host header into lower-cased name (IPv6 kept in brackets) and port. */
export function parseHostHeader(host: string): { name: string; port?: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!match?.[1]) return undefined;
  return { name: match[1].toLowerCase(), ...(match[2] ? { port: match[2] } : {}) };
}

export function isAllowedHost(hostHeader: string | null | undefined, allowedHosts: readonly string[]): boolean {
  if (!hostHeader) return false;
  const host = parseHostHeader(hostHeader);
  if (!host) return false;
  if (LOOPBACK_NAMES.has(host.name)) return true;
  const withPort = host.port ? `${host.name}:${host.port}` : host.name;
  // An ALLOWED_HOSTS entry without a port allows that name on any port; with a port, only that one.
  return allowedHosts.some((allowed) => allowed === host.name || allowed === withPort);
}

export interface RequestFacts {
  method: string;
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
}

export function checkRequest(facts: RequestFacts, allowedHosts: readonly string[]): GuardVerdict {
  if (!isAllowedHost(facts.host, allowedHosts)) {
    // Quoted as JSON would (control characters and quotes escaped), the quotation marks being the language's.
    const host = JSON.stringify(facts.host ?? '').slice(1, -1);
    return { ok: false, status: 403, rule: 'host', reason: text('auth.refusal.host', { host }) };
  }
  if (SAFE_METHODS.has(facts.method.toUpperCase())) return { ok: true };
  const refuse = (reason: Text): GuardRefusal => ({ ok: false, status: 403, rule: 'origin', reason });
  // Each test below refuses on its own; their order only decides which reason a refusal names (Origin first,
  // because it is what a person can check in the browser).
  if (facts.origin === null || facts.origin === '') return refuse(text('auth.refusal.noOrigin'));
  // A sandboxed or otherwise opaque page sends `Origin: null`; so does a page of ours under Referrer-Policy
  // no-referrer, which is why that policy is gone (lib/http/security-headers.ts).
  if (facts.origin === 'null') return refuse(text('auth.refusal.originNull'));
  const ownOrigins = [`http://${facts.host}`, `https://${facts.host}`].map((origin) => origin.toLowerCase());
  if (!ownOrigins.includes(facts.origin.toLowerCase()))
    return refuse(text('auth.refusal.foreignOrigin', { origin: facts.origin }));
  if (facts.secFetchSite !== null && facts.secFetchSite !== 'same-origin') {
    return refuse(text('auth.refusal.fetchSite', { site: facts.secFetchSite }));
  }
  return { ok: true };
}

export function requestFacts(method: string, headers: Pick<Headers, 'get'>): RequestFacts {
  return {
    method,
    host: headers.get('host'),
    origin: headers.get('origin'),
    secFetchSite: headers.get('sec-fetch-site'),
  };
}
