import { english, german } from '../../support/rendered-texts';
import { describe, expect, it } from 'vitest';

import { backupDiskFindings, backupFindings } from '@/lib/attention/detectors/backups';
import type { BackupRecord, VerificationState } from '@/lib/backups/layout';
import { backupStatus, type BackupAttempt } from '@/lib/backups/status';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-05T12:00:00Z');
const OPTIONS = {
  nowMs: NOW,
  watchingSinceMs: NOW - 30 * 24 * HOUR,
  scheduleOff: false,
  backupDir: '/var/backups/mastodon',
};

function record(hoursAgo: number, state: VerificationState, detail?: string): { name: string; record: BackupRecord } {
  const startedAt = new Date(NOW - hoursAgo * HOUR).toISOString();
  const name = `${startedAt.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')}_v4.3.17`;
  return {
    name,
    record: {
      format: 1,
      name,
      trigger: 'schedule',
      startedAt,
      finishedAt: startedAt,
      durationMs: 1000,
      mastodonVersion: '4.3.17',
      files: [],
      verification: { state, ...(detail ? { detail } : {}) },
    },
  };
}

function findings(backups: ReturnType<typeof record>[], attempt?: BackupAttempt, options = OPTIONS) {
  return english(backupFindings(backupStatus(backups, attempt), options));
}

describe('no verified backup for 26 hours', () => {
  it('finds nothing with a verified backup 25 h old', () => {
    expect(findings([record(25, 'verified')])).toEqual([]);
  });

  it('warns with a verified backup 27 h old, and names the newer one that is not verified', () => {
    const found = findings([
      record(2, 'not_verified', 'The database role x may not create databases…'),
      record(27, 'verified'),
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      key: 'backup.no-recent-verified',
      title: 'No verified backup for 27 h',
      evidence: 'The last verified backup is from 27 h ago; the newest, 2 h ago, is not verified.',
      detail: 'The database role x may not create databases…',
      fix: { kind: 'link', href: '/backups' },
    });
    expect(found[0]?.severity).toBeUndefined();
  });

  it('says plainly when there is no backup at all, and when the schedule is off', () => {
    const found = findings([], undefined, { ...OPTIONS, scheduleOff: true });
    expect(found.map((finding) => [finding.title, finding.evidence])).toEqual([
      ['No backup yet', '/var/backups/mastodon holds no backup. The schedule is off (BACKUP_SCHEDULE=off).'],
    ]);
  });

  it('gives a dashboard that started less than 26 h ago its first day before saying there is none', () => {
    expect(findings([], undefined, { ...OPTIONS, watchingSinceMs: NOW - 25 * HOUR })).toEqual([]);
    expect(findings([], undefined, { ...OPTIONS, watchingSinceMs: NOW - 27 * HOUR })[0]?.title).toBe('No backup yet');
    // A stale verified backup is stale whenever the dashboard started.
    expect(findings([record(30, 'verified')], undefined, { ...OPTIONS, watchingSinceMs: NOW - HOUR })).toHaveLength(1);
  });

  it('says "No verified backup yet" when backups exist but none was verified', () => {
    expect(findings([record(1, 'not_verified')])[0]?.title).toBe('No verified backup yet');
  });

  it('counts days past 48 h', () => {
    expect(findings([record(80, 'verified')])[0]?.title).toBe('No verified backup for 3 days');
  });
});

describe('the last backup failed', () => {
  it('finds a run that failed after the newest backup, with its reason', () => {
    const found = findings([record(5, 'verified')], {
      outcome: 'failed',
      startedAt: new Date(NOW - HOUR).toISOString(),
      error: 'The disk is full: Writing mastodon.dump failed',
    });
    expect(found.map((finding) => finding.key)).toEqual(['backup.last-failed']);
    expect(found[0]).toMatchObject({
      title: 'The last backup failed',
      evidence: 'Started 1 h ago: The disk is full: Writing mastodon.dump failed',
    });
  });

  it('finds an interrupted run', () => {
    const found = findings([record(5, 'verified')], {
      outcome: 'interrupted',
      startedAt: new Date(NOW - HOUR).toISOString(),
    });
    expect(found[0]?.evidence).toBe('Started 1 h ago: it was interrupted (the dashboard stopped while it ran)');
    const inGerman = german(
      backupFindings(
        backupStatus([record(5, 'verified')], {
          outcome: 'interrupted',
          startedAt: new Date(NOW - HOUR).toISOString(),
        }),
        OPTIONS,
      ),
    );
    expect(inGerman[0]?.evidence).toContain('sie wurde unterbrochen (das Dashboard wurde währenddessen beendet)');
  });

  it('ignores a failed run older than the newest backup: a later one succeeded', () => {
    expect(
      findings([record(1, 'verified')], { outcome: 'failed', startedAt: new Date(NOW - 5 * HOUR).toISOString() }),
    ).toEqual([]);
  });

  it('finds a newest backup whose verification failed, next to the 26 h warning when it is the only one', () => {
    const found = findings([record(1, 'failed', 'The restore holds other rows: statuses: 1 restored, live 5…5.')]);
    expect(found.map((finding) => [finding.key, finding.title])).toEqual([
      ['backup.no-recent-verified', 'No verified backup yet'],
      ['backup.last-failed', 'The last backup failed its verification'],
    ]);
    expect(found[1]?.evidence).toContain('The restore holds other rows');
  });
});

describe('BACKUP_DIR on the database’s disk', () => {
  it('is information, only when the two are known to share a file system', () => {
    expect(english(backupDiskFindings({ state: 'different' }))).toEqual([]);
    expect(english(backupDiskFindings({ state: 'unknown', why: 'no db service' }))).toEqual([]);
    const [found] = english(
      backupDiskFindings({
        state: 'same',
        backupDir: '/var/backups/m',
        dataPath: '/home/mastodon/live/postgres14',
        device: '259:1',
      }),
    );
    expect(found).toMatchObject({ key: 'backup.same-disk', severity: 'info', fix: { href: '/backups' } });
    expect(found?.evidence).toBe(
      "BACKUP_DIR (/var/backups/m) and the db service's data (/home/mastodon/live/postgres14) are on one file system (device 259:1).",
    );
  });
});
