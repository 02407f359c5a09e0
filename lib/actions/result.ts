import type { ErrorView } from '../errors';

/** What every admin action answers the browser. */
export type ActionResult<T> =
  | { ok: true; data: T; auditId: number }
  | {
      ok: false;
      error: ErrorView;
      fieldErrors?: Partial<Record<string, string[]>>;
      /** For "already running": the operation in flight, to link to. */
      runningAuditId?: number;
      runningJobId?: string;
    };
