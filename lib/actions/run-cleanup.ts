import 'server-only';

import { CLEANUP_COMMANDS, CLEANUP_JOB_KIND } from '../mastodon/cleanup/labels';
import { runCleanup, type CleanupResult } from '../mastodon/cleanup/run';
import { cleanupSchema } from '../validations/cleanup';
import type { AdminActionSpec } from './action-runner';

/**
 * One lock for every cleanup job, dry runs included: each walks the media folder (or the database's media rows)
 * and deletes as it goes, and two at once would race for the same files and share the disk's bandwidth with
 * Mastodon twice over.
 */
export const CLEANUP_LOCK = 'mastodon.cleanup';

/**
 * The "Free disk space" jobs. A real run deletes files for good, so it needs a recent login; the dry run takes the
 * same path (one action, one schema), so that what the page offers after it is exactly what was previewed. What was
 * freed is in the job's result (jobs.audit_id links it): the audit keeps the input, recorded before the run.
 */
export const runCleanupSpec: AdminActionSpec<typeof cleanupSchema, CleanupResult> = {
  action: CLEANUP_JOB_KIND,
  schema: cleanupSchema,
  recentLogin: true,
  target: (input) => CLEANUP_COMMANDS[input.job].command,
  lockKeys: async () => [CLEANUP_LOCK],
  auditParams: (input) => ({ ...input }),
  run: (input, { progress }) => runCleanup(input, progress),
};
