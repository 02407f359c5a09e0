import { NextResponse, type NextRequest } from 'next/server';

import { getConfig } from '@/lib/config';
import { refusalResponse } from '@/lib/http/refusal';
import { checkRequest, requestFacts } from '@/lib/http/request-guard';
import { contentSecurityPolicy, STATIC_SECURITY_HEADERS } from '@/lib/http/security-headers';

/**
 * First line of defence, on every request (pages, route handlers, server actions, the event stream and
 * static files): a foreign Host or a cross-origin mutation gets 403 before any work is done (a page that says
 * why for a browser, a text line for API clients). The session guard in lib/auth repeats these checks,
 * because a proxy alone has been bypassed before.
 */
export function proxy(request: NextRequest): Response {
  const verdict = checkRequest(requestFacts(request.method, request.headers), getConfig().allowedHosts);
  if (!verdict.ok) return refusalResponse(verdict, request);
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}
