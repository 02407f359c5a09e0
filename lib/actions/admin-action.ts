import 'server-only';

import type { z } from 'zod';

import { requireActionSession, type SessionContext } from '../auth/guard';
import { reauthenticate } from '../auth/login';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { encodeText, text } from '../i18n/text';
import { execute, startJob, validateClaimAudit, type AdminActionSpec, type Begun } from './action-runner';
import type { ActionResult } from './result';

/**
 * The one guarded path every mutation takes, in this order: Host/Origin and session (with a recent
 * login for dangerous actions) → input validation → one operation per target → audit "started",
 * failing closed → the handler → audit outcome. Server actions only call runAdminAction (answer when
 * done) or runAdminJob (answer at once with a job id; progress follows on the live hub).
 *
 * Each server action serves two callers: a direct call with the input object, and a form (useActionState
 * in the browser, or a plain HTML post before or without JavaScript) with the previous state and the
 * FormData. `actionCall` tells them apart; a form may carry the password for a recent login with it.
 */
export interface ActionCall {
  input: unknown;
  /** The admin's password, re-entered in the same form when the action needs a recent login. */
  password?: FormDataEntryValue | null;
}

export function actionCall(first: unknown, form: unknown, fromForm: (form: FormData) => unknown): ActionCall {
  if (form instanceof FormData) return { input: fromForm(form), password: form.get('password') };
  return { input: first };
}

type Refused = Extract<Begun<z.ZodType>, { ok: false }>;

/**
 * The session, with a recent login when the action needs one. A plain HTML form cannot open the password
 * prompt and then continue, so a form sends the password with the action and it is checked here first.
 * A wrong one keeps the answer reauth_required, so that the form asks again.
 */
async function guardedSession(
  recentLogin: boolean,
  password: FormDataEntryValue | null | undefined,
): Promise<{ ok: true; session: SessionContext } | Refused> {
  const refuse = (error: ErrorView, fieldErrors?: Partial<Record<string, string[]>>): Refused => ({
    ok: false,
    result: { ok: false, error, ...(fieldErrors ? { fieldErrors } : {}) },
  });
  try {
    return { ok: true, session: await requireActionSession({ recentLogin }) };
  } catch (error) {
    if (
      !(error instanceof AppError && error.code === 'reauth_required') ||
      password === undefined ||
      password === null
    ) {
      return refuse(toErrorView(error));
    }
  }
  const session = await requireActionSession();
  const confirmed = await reauthenticate(session, { password });
  if (!confirmed.ok) {
    const message = encodeText(
      text('auth.errors.titleAndDetail', { title: confirmed.error.title, detail: confirmed.error.detail }),
    );
    return refuse(
      { ...confirmed.error, code: 'reauth_required' },
      { ...confirmed.fieldErrors, password: confirmed.fieldErrors?.password ?? [message] },
    );
  }
  return { ok: true, session: { ...session, recentlyAuthenticated: true } };
}

async function begin<Schema extends z.ZodType, Data>(
  spec: AdminActionSpec<Schema, Data>,
  call: ActionCall,
): Promise<Begun<Schema>> {
  let session: SessionContext;
  try {
    const guarded = await guardedSession(spec.recentLogin, call.password);
    if (!guarded.ok) return guarded;
    session = guarded.session;
  } catch (error) {
    return { ok: false, result: { ok: false, error: toErrorView(error) } };
  }
  return validateClaimAudit(spec, call.input, { username: session.username, sessionRef: session.sessionRef });
}

/** Runs the action and answers when it is done. */
export async function runAdminAction<Schema extends z.ZodType, Data>(
  spec: AdminActionSpec<Schema, Data>,
  call: ActionCall,
): Promise<ActionResult<Data>> {
  const begun = await begin(spec, call);
  if (!begun.ok) return begun.result;
  const outcome = await execute(spec, begun, () => undefined);
  return outcome.ok ? { ok: true, data: outcome.data, auditId: begun.auditId } : { ok: false, error: outcome.error };
}

/**
 * Starts the action as a job and answers at once with its id. The job's steps are stored (a reload or
 * a second browser sees them) and pushed on the live hub. Its result must hold no secret.
 */
export async function runAdminJob<Schema extends z.ZodType, Data extends Record<string, unknown>>(
  spec: AdminActionSpec<Schema, Data>,
  call: ActionCall,
): Promise<ActionResult<{ jobId: string }>> {
  return startJob(spec, await begin(spec, call));
}
