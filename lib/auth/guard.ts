import 'server-only';

import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { redirect } from 'next/navigation';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { refusalResponse } from '../http/refusal';
import { checkRequest, requestFacts } from '../http/request-guard';
import { isRecentlyAuthenticated, readSession, SESSION_COOKIE, sessionRef, type SessionRecord } from './session';

/**
 * The data-layer guard every page, route handler and server action calls first. It repeats the proxy's
 * Host and Origin checks, because the proxy alone has been bypassed before (CVE-2025-29927).
 */
export interface SessionContext {
  username: string;
  sessionRef: string;
  idHash: string;
  authenticatedAt: number;
  recentlyAuthenticated: boolean;
}

function toContext(record: SessionRecord): SessionContext {
  return {
    username: record.username,
    sessionRef: sessionRef(record.idHash),
    idHash: record.idHash,
    authenticatedAt: record.authenticatedAt,
    recentlyAuthenticated: isRecentlyAuthenticated(record),
  };
}

async function verifyRequest(method: string): Promise<void> {
  const verdict = checkRequest(requestFacts(method, await headers()), getConfig().allowedHosts);
  if (!verdict.ok) throw new AppError('forbidden', text('auth.errors.refused'), verdict.reason);
}

/** The session of this request, if any; no redirect. Read once per request (layout and page share it). */
export const currentSession = cache(async (): Promise<SessionContext | undefined> => {
  const record = readSession((await cookies()).get(SESSION_COOKIE)?.value);
  return record ? toContext(record) : undefined;
});

/** Pages and server components: the session, or a redirect to the login page. */
export async function requireSession(): Promise<SessionContext> {
  await verifyRequest('GET');
  const session = await currentSession();
  if (!session) redirect('/login');
  return session;
}

/** Server actions: throws AppError (forbidden, unauthorized, reauth_required) instead of redirecting. */
export async function requireActionSession(options: { recentLogin?: boolean } = {}): Promise<SessionContext> {
  await verifyRequest('POST');
  const session = await currentSession();
  if (!session)
    throw new AppError('unauthorized', text('auth.errors.notLoggedIn.title'), text('auth.errors.notLoggedIn.detail'));
  if (options.recentLogin && !session.recentlyAuthenticated) {
    throw new AppError(
      'reauth_required',
      text('auth.errors.reauthRequired.title'),
      text('auth.errors.reauthRequired.detail'),
    );
  }
  return session;
}

/** Route handlers: the session, or a ready 401/403 response to return as is. */
export async function requireRouteSession(request: Request): Promise<SessionContext | Response> {
  const verdict = checkRequest(requestFacts(request.method, request.headers), getConfig().allowedHosts);
  if (!verdict.ok) return refusalResponse(verdict, request);
  const session = await currentSession();
  if (!session) return Response.json({ error: { code: 'unauthorized', title: 'Not logged in' } }, { status: 401 });
  return session;
}
