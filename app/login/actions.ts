'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';

import { currentSession, requireActionSession } from '@/lib/auth/guard';
import { loginWithLink, loginWithPassword, logout } from '@/lib/auth/login';
import { SESSION_COOKIE, sessionCookieOptions } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { text } from '@/lib/i18n/text';
import { checkRequest, requestFacts } from '@/lib/http/request-guard';
import { nextPathSchema } from '@/lib/validations/auth';
import type { FormState } from '@/components/auth/form-state';

/** Login is the one mutation without a session; it still gets the Host and Origin checks. */
async function refuseForeignRequest(): Promise<FormState | undefined> {
  const verdict = checkRequest(requestFacts('POST', await headers()), getConfig().allowedHosts);
  return verdict.ok
    ? undefined
    : { error: new AppError('forbidden', text('auth.errors.refused'), verdict.reason).toView() };
}

async function finishLogin(
  result: Awaited<ReturnType<typeof loginWithPassword>>,
  next: FormDataEntryValue | null,
): Promise<FormState> {
  if (!result.ok) return { error: result.error, fieldErrors: result.fieldErrors };
  const secure = (await headers()).get('x-forwarded-proto') === 'https';
  (await cookies()).set(SESSION_COOKIE, result.sessionId, sessionCookieOptions(secure, result.expiresAt));
  redirect(nextPathSchema.parse(next ?? '/'));
}

export async function loginAction(_previous: FormState, form: FormData): Promise<FormState> {
  const refused = await refuseForeignRequest();
  if (refused) return refused;
  const previous = await currentSession();
  const username = form.get('username');
  const result = await loginWithPassword({ username, password: form.get('password') }, previous?.idHash);
  const state = await finishLogin(result, form.get('next'));
  return typeof username === 'string' ? { ...state, values: { username: username.slice(0, 64) } } : state;
}

export async function loginLinkAction(_previous: FormState, form: FormData): Promise<FormState> {
  const refused = await refuseForeignRequest();
  if (refused) return refused;
  const previous = await currentSession();
  return finishLogin(await loginWithLink({ token: form.get('token') }, previous?.idHash), '/');
}

/** Without a session (cookie gone, expired or unknown) there is nothing to end: still a clean trip to /login. */
async function sessionToEnd() {
  try {
    return await requireActionSession();
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') return undefined;
    throw error;
  }
}

export async function logoutAction(): Promise<void> {
  const session = await sessionToEnd();
  if (session) logout(session);
  (await cookies()).delete(SESSION_COOKIE);
  redirect('/login');
}
