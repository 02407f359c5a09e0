import 'server-only';

import type { z } from 'zod';

import { auditFinish, auditStart } from '../audit';
import type { AuditAction } from '../audit/actions';
import { requireActionSession, type SessionContext } from '../auth/guard';
import { AppError, toErrorView } from '../errors';
import type { ActionResult } from './result';

/**
 * The one guarded path every mutation takes, in this order: Host/Origin and session (with a recent
 * login for dangerous actions) → input validation → one operation per target → audit "started",
 * failing closed → the handler → audit outcome. Server actions and route handlers only call these.
 */
export interface AdminActionSpec<Schema extends z.ZodType, Data> {
  action: AuditAction;
  schema: Schema;
  /** Restart, account creation, permission fixes and registration changes need a recent login. */
  recentLogin: boolean;
  /** The lock key and audit target, from validated input only. */
  target: (input: z.infer<Schema>) => string;
  /** What the audit log may keep of the input; secrets are additionally redacted by lib/audit. */
  auditParams?: (input: z.infer<Schema>) => Record<string, unknown>;
  run: (input: z.infer<Schema>, context: { session: SessionContext; auditId: number }) => Promise<Data>;
}

const RUNNING = Symbol.for('mastodash.actions.running');
type RunningHolder = { [RUNNING]?: Map<string, number> };

/** Targets with an operation in flight, and the audit id of that operation (one process serves every browser). */
function running(): Map<string, number> {
  const holder = globalThis as RunningHolder;
  holder[RUNNING] ??= new Map();
  return holder[RUNNING];
}

export function runningOperation(lockKey: string): number | undefined {
  return running().get(lockKey);
}

export async function runAdminAction<Schema extends z.ZodType, Data>(
  spec: AdminActionSpec<Schema, Data>,
  rawInput: unknown,
): Promise<ActionResult<Data>> {
  let session: SessionContext;
  try {
    session = await requireActionSession({ recentLogin: spec.recentLogin });
  } catch (error) {
    return { ok: false, error: toErrorView(error) };
  }

  const parsed = spec.schema.safeParse(rawInput);
  if (!parsed.success) {
    const flattened = (parsed.error as z.ZodError).flatten();
    return {
      ok: false,
      error: { code: 'invalid_input', title: 'Check the input', detail: flattened.formErrors.join(' ') || 'A field is not valid.' },
      fieldErrors: flattened.fieldErrors as Partial<Record<string, string[]>>,
    };
  }
  const input = parsed.data as z.infer<Schema>;
  const target = spec.target(input);
  const lockKey = `${spec.action}:${target}`;
  const inFlight = running().get(lockKey);
  if (inFlight !== undefined) {
    return {
      ok: false,
      error: { code: 'conflict', title: 'Already running', detail: `This is already running for ${target} (audit record #${inFlight}).` },
      runningAuditId: inFlight,
    };
  }
  // Claim the target before the first await below, so that concurrent requests see it.
  running().set(lockKey, -1);
  try {
    let auditId: number;
    try {
      auditId = auditStart({
        actor: session.username,
        session: session.sessionRef,
        action: spec.action,
        target,
        params: spec.auditParams?.(input) ?? {},
      });
    } catch (error) {
      // Fail closed: without its "started" record, the privileged call does not happen.
      return { ok: false, error: toErrorView(error) };
    }
    running().set(lockKey, auditId);
    const startedAt = Date.now();
    try {
      const data = await spec.run(input, { session, auditId });
      auditFinish(auditId, { outcome: 'succeeded', durationMs: Date.now() - startedAt });
      return { ok: true, data, auditId };
    } catch (error) {
      const view = toErrorView(error);
      if (!(error instanceof AppError)) console.error(`[action ${spec.action}]`, error);
      auditFinish(auditId, { outcome: 'failed', error: `${view.title}: ${view.detail}`, durationMs: Date.now() - startedAt });
      return { ok: false, error: view };
    }
  } finally {
    running().delete(lockKey);
  }
}
