import 'server-only';

import type { z } from 'zod';

import { auditFinish, auditStart } from '../audit';
import type { AuditAction } from '../audit/actions';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { inEnglish } from '../i18n/english';
import { text } from '../i18n/text';
import { addJobStep, createJob, finishJob, type JobProgress } from '../jobs';
import { processSingleton } from '../process/singleton';
import type { ActionResult } from './result';

/**
 * What every action shares once its caller is known, whoever the caller is: validation by the action's schema,
 * one operation per target (the lock), audit "started" failing closed, the handler, audit outcome, and the job
 * record. lib/actions/admin-action.ts puts the browser's guard (Host/Origin, session, recent login) in front of it;
 * the backup schedule (lib/backups/schedule.ts) calls it as itself. It imports nothing of Next, so the launcher
 * can run it outside a request.
 */

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

export type Begun<Schema extends z.ZodType> =
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

/** Validation, the lock and the "started" record: the part every caller shares, a browser's or the schedule's. */
export async function validateClaimAudit<Schema extends z.ZodType, Data>(
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

export async function execute<Schema extends z.ZodType, Data>(
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
      error: inEnglish(text('errors.joined', { title: view.title, detail: view.detail })),
      durationMs: Date.now() - startedAt,
    });
    return { ok: false, error: view };
  } finally {
    release(begun.lockKeys);
  }
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
export function startJob<Schema extends z.ZodType, Data extends Record<string, unknown>>(
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
