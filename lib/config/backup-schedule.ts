import { Cron } from 'croner';

/**
 * BACKUP_SCHEDULE: a time of day ("03:30", server time), a five-field cron expression ("30 3 * * *", "0 3,15 * * *"),
 * or "off". croner parses and steps the expression; this module only turns the admin's text into it and says
 * clearly what is wrong with a bad one.
 */

export type BackupSchedule = { kind: 'off' } | { kind: 'cron'; text: string; pattern: string };

const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export class BadScheduleError extends Error {}

export function parseBackupSchedule(text: string): BackupSchedule {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'off') return { kind: 'off' };
  const time = TIME_OF_DAY.exec(trimmed);
  if (time) return { kind: 'cron', text: trimmed, pattern: `${Number(time[2])} ${Number(time[1])} * * *` };
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    throw new BadScheduleError(
      `"${trimmed}" is neither a time of day (03:30), a cron expression of five fields (30 3 * * *) nor "off"`,
    );
  }
  try {
    // Constructing validates; paused, so nothing is scheduled here.
    new Cron(trimmed, { paused: true }).stop();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw new BadScheduleError(`"${trimmed}" is not a valid cron expression: ${reason}`);
  }
  return { kind: 'cron', text: trimmed, pattern: trimmed };
}

/**
 * The next time the schedule fires strictly after `after`; null when it is off. Times of day are the server's (the
 * process's TZ) unless `timeZone` (an IANA name) says otherwise.
 */
export function nextBackupAt(schedule: BackupSchedule, after: Date, timeZone?: string): Date | null {
  if (schedule.kind === 'off') return null;
  const cron = new Cron(schedule.pattern, { paused: true, ...(timeZone ? { timezone: timeZone } : {}) });
  try {
    return cron.nextRun(after);
  } finally {
    cron.stop();
  }
}
