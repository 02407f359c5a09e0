import 'server-only';

import { z } from 'zod';

import { runBackup, type BackupJobResult } from '../backups/job';
import { BACKUP_JOB } from '../backups/status';
import type { AdminActionSpec } from './action-runner';

/** "Back up now" and the schedule take no input; the schedule says so, so that the audit tells them apart. */
export const backUpSchema = z.object({ trigger: z.enum(['manual', 'schedule']).default('manual') }).strict();

/**
 * One backup at a time, whoever starts it: the lock key is the same for a click and the schedule, so a second
 * "Back up now" gets "already running" and a scheduled run that meets a manual one is skipped.
 */
export const backUpSpec: AdminActionSpec<typeof backUpSchema, BackupJobResult> = {
  action: BACKUP_JOB,
  schema: backUpSchema,
  // A backup copies the secrets of .env.production, but into the dashboard's own directory: downloading it is
  // what needs a recent login, not taking it.
  recentLogin: false,
  target: () => 'database',
  auditParams: (input) => ({ trigger: input.trigger }),
  run: (input, { progress }) => runBackup(input.trigger, progress),
};
