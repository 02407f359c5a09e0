import 'server-only';

import { Cron } from 'croner';

import type { Config } from '../config';
import { AppError, type ErrorText, type ErrorView } from '../errors';
import { getJob, onJobChange } from '../jobs';
import { existingProcessSingleton, processSingleton } from '../process/singleton';
import { removePartialBackups } from './store';
import { probeBackupDir } from './writer';
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';

/**
 * BACKUP_SCHEDULE, run by the launcher in the dashboard's process. A run is the same job as "Back up now" (same
 * lock, audit and job record), started without a session. A BACKUP_DIR that cannot be written stops the schedule
 * with the reason, on the page and in the log; the dashboard itself keeps running.
 */
export type BackupScheduleState =
  | { state: 'off' }
  | { state: 'on'; pattern: string; nextAt: string | null; lastRun?: ScheduledRun }
  | { state: 'stopped'; pattern: string; reason: Text; fix?: ErrorText; stoppedAt: string };

export interface ScheduledRun {
  at: string;
  outcome: 'started' | 'skipped' | 'succeeded' | 'failed';
  detail?: string;
}

/**
 * Starts one scheduled backup job: `runScheduledJob(backUpSpec, …)` from lib/actions, handed in by the launcher so
 * that this folder does not import the actions that import it.
 */
export type StartScheduledBackup = () => Promise<
  { ok: true; data: { jobId: string } } | { ok: false; error: ErrorView }
>;

interface ScheduleSlot {
  cron: Cron | null;
  state: BackupScheduleState;
}

const SLOT = 'backups.schedule';

/** What the Backups page shows of the schedule; `off` until the launcher started it. */
export function backupScheduleState(): BackupScheduleState {
  const slot = existingProcessSingleton<ScheduleSlot>(SLOT);
  if (!slot) return { state: 'off' };
  if (slot.state.state === 'on' && slot.cron)
    return { ...slot.state, nextAt: slot.cron.nextRun()?.toISOString() ?? null };
  return slot.state;
}

function stop(slot: ScheduleSlot, pattern: string, error: AppError): void {
  slot.cron?.stop();
  slot.cron = null;
  slot.state = {
    state: 'stopped',
    pattern,
    reason: text('errors.joined', { title: error.title, detail: error.detail }),
    ...(error.fix ? { fix: error.fix } : {}),
    stoppedAt: new Date().toISOString(),
  };
  console.error(
    `[backups] the schedule stopped: ${inEnglish(error.title)}. ${inEnglish(error.detail)}` +
      (error.fix ? ` ${inEnglish(error.fix)}` : '') +
      ' The dashboard keeps running; restart it once the folder is fixed.',
  );
}

function noteRun(slot: ScheduleSlot, run: ScheduledRun): void {
  if (slot.state.state === 'on') slot.state = { ...slot.state, lastRun: run };
}

/** When the job ends: a failure to write the folder stops the schedule; any other failure waits for the next run. */
function followJob(slot: ScheduleSlot, pattern: string, jobId: string): void {
  const settle = (): boolean => {
    const job = getJob(jobId);
    if (!job || job.status === 'running') return false;
    if (job.status === 'succeeded') {
      noteRun(slot, { at: new Date().toISOString(), outcome: 'succeeded' });
    } else {
      const error = job.error;
      noteRun(slot, {
        at: new Date().toISOString(),
        outcome: 'failed',
        ...(error ? { detail: inEnglish(text('errors.joined', { title: error.title, detail: error.detail })) } : {}),
      });
      if (error?.code === 'not_writable') {
        stop(slot, pattern, new AppError('not_writable', error.title, error.detail, error.fix));
      }
    }
    return true;
  };
  const unsubscribe = onJobChange((message) => {
    if (message.job.id === jobId && settle()) unsubscribe();
  });
  if (settle()) unsubscribe();
}

async function runOnce(
  slot: ScheduleSlot,
  config: Config,
  pattern: string,
  startBackup: StartScheduledBackup,
): Promise<void> {
  try {
    await probeBackupDir(config.backups.dir);
  } catch (error) {
    if (error instanceof AppError) return stop(slot, pattern, error);
    throw error;
  }
  const started = await startBackup();
  if (!started.ok) {
    // A click got there first ("already running"): that backup serves for this run.
    noteRun(slot, { at: new Date().toISOString(), outcome: 'skipped', detail: inEnglish(started.error.detail) });
    console.warn(
      `[backups] scheduled backup skipped: ${inEnglish(started.error.title)}. ${inEnglish(started.error.detail)}`,
    );
    return;
  }
  noteRun(slot, { at: new Date().toISOString(), outcome: 'started' });
  followJob(slot, pattern, started.data.jobId);
}

/**
 * At start-up: clears what a killed backup left (its audit record is already marked interrupted by the launcher),
 * checks BACKUP_DIR, and starts the schedule unless it is off or the folder cannot be written.
 */
export async function startBackupSchedule(
  config: Config,
  startBackup: StartScheduledBackup,
): Promise<BackupScheduleState> {
  const slot = processSingleton<ScheduleSlot>(SLOT, () => ({ cron: null, state: { state: 'off' } }));
  slot.cron?.stop();
  slot.cron = null;
  try {
    const leftovers = await removePartialBackups(config.backups.dir);
    if (leftovers.length > 0) {
      console.warn(
        `[backups] removed ${leftovers.length} backup(s) cut short when the dashboard last stopped: ` +
          `${leftovers.join(', ')} (never listed as good; the audit log shows them as interrupted)`,
      );
    }
  } catch (error) {
    console.error(`[backups] cannot clear unfinished backups in ${config.backups.dir}: ${(error as Error).message}`);
  }
  const { schedule } = config.backups;
  if (schedule.kind === 'off') {
    slot.state = { state: 'off' };
    return slot.state;
  }
  try {
    await probeBackupDir(config.backups.dir);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    stop(slot, schedule.text, error);
    return slot.state;
  }
  // protect: a run still going when the next is due is not started twice (the action lock would refuse it anyway).
  slot.cron = new Cron(schedule.pattern, { protect: true }, () => runOnce(slot, config, schedule.text, startBackup));
  slot.state = { state: 'on', pattern: schedule.text, nextAt: slot.cron.nextRun()?.toISOString() ?? null };
  return slot.state;
}

/** For the launcher's shutdown and for tests: no more runs. */
export function stopBackupSchedule(): void {
  const slot = existingProcessSingleton<ScheduleSlot>(SLOT);
  slot?.cron?.stop();
  if (slot) slot.cron = null;
}
