import 'server-only';

import type { z } from 'zod';

import { auditFinish, auditStart } from '../audit';
import type { AuditAction } from '../audit/actions';
import { requireActionSession, type SessionContext } from '../auth/guard';
import { reauthenticate } from '../auth/login';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { addJobStep, createJob, finishJob, type JobProgress } from '../jobs';
import { processSingleton } from '../process/singleton';
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

export interface AdminActionSpec<Schema extends z.ZodType, Data> {
  action: AuditAction;
  schema: Schema;
  /** Restart, account creation, permission fixes and registration changes need a recent login. */
  recentLogin: boolean;
  /** The audit target, from validated input only; also the lock key unless `lockKeys` names the real objects. */
  target: (input: z.infer<Schema>) => string;
  /**
   * The objects the action works on, when the input can name one object in several ways (a container by
   * name or by id) or one action touches several (restart Mastodon): every key is held while it runs, and
   * a request that needs any held key is refused. When it cannot resolve them, `target` is the key and
   * the handler reports the failure.
   */
  lockKeys?: (input: z.infer<Schema>) => Promise<string[]>;
  /** What the audit log may keep of the input; secrets are additionally redacted by lib/audit. */
  auditParams?: (input: z.infer<Schema>) => Record<string, unknown>;
  run: (input: z.infer<Schema>, context: { actor: Actor; auditId: number; progress: JobProgress }) => Promise<Data>;
  /**
   * For a handler whose answer can be a failure it shows rather than throws (a test message the receiver
   * refused): the audit outcome's error, or undefined when it succeeded. The answer reaches the page either way.
   */
  failureOf?: (data: Data) => string | undefined;
}

/** Who started an action: a signed-in admin (with the session it came from), or the dashboard's own schedule. */
export interface Actor {
  username: string;
  sessionRef?: string;
}

/** The audit actor of what the schedule starts: no session, but never mistaken for a person. */
export const SCHEDULE_ACTOR: Actor = { username: 'mastodash (schedule)' };

interface Running {
  target: string;
  auditId: number;
  jobId?: string;
}

/** Targets with an operation in flight (one process serves every browser, so a map is the lock). */
function runningMap(): Map<string, Running> {
  return processSingleton('actions.running', () => new Map<string, Running>());
}

type Begun<Schema extends z.ZodType> =
  | { ok: false; result: Extract<ActionResult<never>, { ok: false }> }
  | { ok: true; input: z.infer<Schema>; actor: Actor; auditId: number; lockKeys: string[] };

async function lockKeysOf<Schema extends z.ZodType, Data>(
  spec: AdminActionSpec<Schema, Data>,
  input: z.infer<Schema>,
  target: string,
): Promise<string[]> {
  const fallback = [`${spec.action}:${target}`];
  if (!spec.lockKeys) return fallback;
  try {
    const keys = await spec.lockKeys(input);
    return keys.length > 0 ? keys : fallback;
  } catch {
    return fallback;
  }
}

function claim(keys: string[], running: Running): void {
  for (const key of keys) runningMap().set(key, running);
}

function release(keys: string[]): void {
  for (const key of keys) runningMap().delete(key);
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
    const message = `${confirmed.error.title}. ${confirmed.error.detail}`;
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

/** Validation, the lock and the "started" record: the part every caller shares, a browser's or the schedule's. */
async function validateClaimAudit<Schema extends z.ZodType, Data>(
  spec: AdminActionSpec<Schema, Data>,
  rawInput: unknown,
  actor: Actor,
): Promise<Begun<Schema>> {
  const parsed = spec.schema.safeParse(rawInput);
  if (!parsed.success) {
    const flattened = (parsed.error as z.ZodError).flatten();
    return {
      ok: false,
      result: {
        ok: false,
        error: {
          code: 'invalid_input',
          title: 'Check the input',
          detail: flattened.formErrors.join(' ') || 'A field is not valid.',
        },
        fieldErrors: flattened.fieldErrors as Partial<Record<string, string[]>>,
      },
    };
  }
  const input = parsed.data as z.infer<Schema>;
  const target = spec.target(input);
  const lockKeys = await lockKeysOf(spec, input, target);
  // From here to the claim there is no await, so that concurrent requests see each other's claims.
  const inFlight = lockKeys.map((key) => runningMap().get(key)).find((entry) => entry !== undefined);
  if (inFlight) {
    const detail =
      inFlight.target === target
        ? `This is already running for ${target}.`
        : `${target} is busy: the same action for ${inFlight.target} is still running.`;
    return {
      ok: false,
      result: {
        ok: false,
        error: { code: 'conflict', title: 'Already running', detail },
        ...(inFlight.auditId > 0 ? { runningAuditId: inFlight.auditId } : {}),
        ...(inFlight.jobId ? { runningJobId: inFlight.jobId } : {}),
      },
    };
  }
  claim(lockKeys, { target, auditId: -1 });
  try {
    const auditId = auditStart({
      actor: actor.username,
      ...(actor.sessionRef === undefined ? {} : { session: actor.sessionRef }),
      action: spec.action,
      target,
      params: spec.auditParams?.(input) ?? {},
    });
    claim(lockKeys, { target, auditId });
    return { ok: true, input, actor, auditId, lockKeys };
  } catch (error) {
    // Fail closed: without its "started" record, the privileged call does not happen.
    release(lockKeys);
    return { ok: false, result: { ok: false, error: toErrorView(error) } };
  }
}

async function execute<Schema extends z.ZodType, Data>(
  spec: AdminActionSpec<Schema, Data>,
  begun: Extract<Begun<Schema>, { ok: true }>,
  progress: JobProgress,
): Promise<{ ok: true; data: Data } | { ok: false; error: ErrorView }> {
  const startedAt = Date.now();
  try {
    const data = await spec.run(begun.input, { actor: begun.actor, auditId: begun.auditId, progress });
    const failure = spec.failureOf?.(data);
    auditFinish(begun.auditId, {
      outcome: failure === undefined ? 'succeeded' : 'failed',
      ...(failure === undefined ? {} : { error: failure }),
      durationMs: Date.now() - startedAt,
    });
    return { ok: true, data };
  } catch (error) {
    const view = toErrorView(error);
    if (!(error instanceof AppError)) console.error(`[action ${spec.action}]`, error);
    auditFinish(begun.auditId, {
      outcome: 'failed',
      error: `${view.title}: ${view.detail}`,
      durationMs: Date.now() - startedAt,
    });
    return { ok: false, error: view };
  } finally {
    release(begun.lockKeys);
  }
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

/**
 * What the dashboard starts by itself (the backup schedule): no browser, so no session and no Host/Origin to
 * check, but the same validation, the same lock (a scheduled run and a click exclude each other), the same
 * audit and the same job record.
 */
export async function runScheduledJob<Schema extends z.ZodType, Data extends Record<string, unknown>>(
  spec: AdminActionSpec<Schema, Data>,
  input: z.input<Schema>,
): Promise<ActionResult<{ jobId: string }>> {
  return startJob(spec, await validateClaimAudit(spec, input, SCHEDULE_ACTOR));
}

/** The job for a begun action: answers at once with its id, and records the outcome when the handler ends. */
function startJob<Schema extends z.ZodType, Data extends Record<string, unknown>>(
  spec: AdminActionSpec<Schema, Data>,
  begun: Begun<Schema>,
): ActionResult<{ jobId: string }> {
  if (!begun.ok) return begun.result;
  const job = createJob(spec.action, spec.target(begun.input), begun.auditId);
  claim(begun.lockKeys, { target: job.target, auditId: begun.auditId, jobId: job.id });
  void execute(spec, begun, (step) => addJobStep(job.id, step)).then((outcome) =>
    finishJob(
      job.id,
      outcome.ok ? { status: 'succeeded', result: outcome.data } : { status: 'failed', error: outcome.error },
    ),
  );
  return { ok: true, data: { jobId: job.id }, auditId: begun.auditId };
}
