/**
 * Response headers for every answer. The CSP carries a per-request nonce that Next.js applies to its own
 * scripts; production needs no 'unsafe-eval'. No upgrade-insecure-requests: the SSH tunnel is plain http.
 * style-src-attr allows React's style={…} attributes (charts), which cannot carry a nonce.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    // The browser's one event stream lives in a shared worker (components/live/live-worker.ts).
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Referrer-Policy same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on a plain
 * (non-JavaScript) form POST to our own origin, which the Origin check must refuse, so a login sent before
 * the page's scripts ran failed. Under same-origin the browser sends our real Origin to us and still sends
 * no Referer to any other site (docs/design.md, "Why Referrer-Policy same-origin").
 */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};
