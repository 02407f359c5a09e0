import { describe, expect, it } from 'vitest';

import { BadScheduleError, nextBackupAt, parseBackupSchedule } from '@/lib/config/backup-schedule';

describe('BACKUP_SCHEDULE', () => {
  it('reads a time of day as every day at that time, in the server time zone', () => {
    const schedule = parseBackupSchedule('03:30');
    expect(schedule).toEqual({ kind: 'cron', text: '03:30', pattern: '30 3 * * *' });
    expect(parseBackupSchedule('7:05')).toMatchObject({ pattern: '5 7 * * *' });
    const next = (after: string, zone: string) => nextBackupAt(schedule, new Date(after), zone)?.toISOString();
    expect(next('2026-12-04T02:00:00Z', 'UTC')).toBe('2026-12-04T03:30:00.000Z');
    expect(next('2026-12-04T03:30:00Z', 'UTC')).toBe('2026-12-05T03:30:00.000Z');
    // 03:30 in Berlin is 02:30 UTC in winter and 01:30 UTC in summer.
    expect(next('2026-12-04T00:00:00Z', 'Europe/Berlin')).toBe('2026-12-04T02:30:00.000Z');
    expect(next('2026-07-04T00:00:00Z', 'Europe/Berlin')).toBe('2026-07-04T01:30:00.000Z');
  });

  it('takes a five-field cron expression as it is', () => {
    const schedule = parseBackupSchedule('0 3,15 * * 1-5');
    // Friday 16:00 UTC: the next weekday slot is Monday 03:00.
    expect(nextBackupAt(schedule, new Date('2026-12-04T16:00:00Z'), 'UTC')?.toISOString()).toBe(
      '2026-12-07T03:00:00.000Z',
    );
  });

  it('turns off with "off"', () => {
    expect(parseBackupSchedule(' OFF ')).toEqual({ kind: 'off' });
    expect(nextBackupAt({ kind: 'off' }, new Date())).toBeNull();
  });

  it.each([
    ['25:00', 'is neither a time of day (03:30), a cron expression of five fields (30 3 * * *) nor "off"'],
    ['daily', 'is neither a time of day'],
    ['* * * * * *', 'is neither a time of day'],
    ['61 3 * * *', 'is not a valid cron expression: Invalid value for minute: 61'],
  ])('refuses %j with a clear reason', (text, reason) => {
    expect(() => parseBackupSchedule(text)).toThrow(BadScheduleError);
    expect(() => parseBackupSchedule(text)).toThrow(reason);
  });
});
