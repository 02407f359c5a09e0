import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { auditCsv, auditEvent, auditRepeated, auditStart, flushRepeatedLines, listAudit } from '@/lib/audit';
import { ARCHIVE_DIR_NAME, archiveAndPruneAudit } from '@/lib/audit/retention';

import { useAuthTestEnv, type AuthTestEnv } from '../auth/support';

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 15, 10, 0, 0);

let env: AuthTestEnv;

function at(time: number): void {
  vi.setSystemTime(time);
}

function ids(): number[] {
  return (env.db.prepare('SELECT id FROM audit_log ORDER BY id').all() as { id: number }[]).map((row) => row.id);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  env = useAuthTestEnv({ AUDIT_RETENTION_DAYS: '30' });
});

afterEach(() => {
  flushRepeatedLines();
  env.cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Records at T, T+1 day, …: older ones first. */
function history(days: number): number[] {
  const made: number[] = [];
  for (let day = 0; day < days; day++) {
    at(T + day * DAY);
    made.push(auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' }));
    made.push(
      auditEvent({
        actor: 'x;=1+1',
        action: 'auth.login_failed',
        outcome: 'failed',
        error: 'Wrong "username", or password',
      }),
    );
  }
  made.push(
    auditRepeated(
      { actor: 'admin', action: 'auth.login_failed', outcome: 'refused', error: 'Refused' },
      T + (days - 1) * DAY + 1,
    ).id,
  );
  return made;
}

describe('archiveAndPruneAudit', () => {
  it(
    'archives the records older than AUDIT_RETENTION_DAYS exactly as the export gives them, then' +
      ' removes them, and audits that',
    () => {
      const made = history(40);
      const now = T + 45 * DAY;
      // Older than 30 days on day 45: the records of days 0..14.
      const old = made.filter((_, index) => index < 30);
      const exported = auditCsv({ beforeId: old.at(-1)! + 1 });
      at(now);

      const result = archiveAndPruneAudit(now);
      expect(result).toMatchObject({ records: 30, firstId: old[0], lastId: old.at(-1) });
      const file = (result as { file: string }).file;
      expect(path.dirname(file)).toBe(path.join(env.dir, 'data', ARCHIVE_DIR_NAME));
      expect(readFileSync(file, 'utf8')).toBe(exported);
      expect(readFileSync(file, 'utf8').split('\r\n')).toHaveLength(32);

      const remaining = ids();
      expect(remaining.filter((id) => old.includes(id))).toEqual([]);
      expect(remaining.filter((id) => made.includes(id))).toEqual(made.slice(30));

      const [pruned] = listAudit({ action: 'audit.pruned' });
      expect(pruned).toMatchObject({
        actor: 'dashboard',
        target: file,
        outcome: 'succeeded',
        params: {
          records: 30,
          firstId: old[0],
          lastId: old.at(-1),
          olderThan: new Date(now - 30 * DAY).toISOString(),
          retentionDays: 30,
        },
      });
      expect(env.db.prepare('SELECT first_id, last_id, records, file FROM audit_archives').all()).toEqual([
        { first_id: old[0], last_id: old.at(-1), records: 30, file },
      ]);
    },
  );

  it('does nothing when nothing is old enough, or when AUDIT_RETENTION_DAYS is 0', () => {
    history(5);
    expect(archiveAndPruneAudit(T + 20 * DAY)).toEqual({ records: 0 });
    env.configure({ AUDIT_RETENTION_DAYS: '0' });
    expect(archiveAndPruneAudit(T + 400 * DAY)).toEqual({ records: 0 });
    expect(ids()).toHaveLength(11);
    expect(existsSync(path.join(env.dir, 'data', ARCHIVE_DIR_NAME))).toBe(false);
  });

  it('stops at a record still running: only a run of finished records from the oldest goes', () => {
    at(T);
    const first = auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    const running = auditStart({ actor: 'admin', action: 'container.restarted', target: 'web' });
    auditEvent({ actor: 'admin', action: 'auth.logout', outcome: 'succeeded' });
    const result = archiveAndPruneAudit(T + 90 * DAY);
    expect(result).toMatchObject({ records: 1, firstId: first, lastId: first });
    expect(ids().slice(0, 2)).toEqual([running, running + 1]);
  });

  it('a second run archives the next records into a file of their own', () => {
    history(40);
    archiveAndPruneAudit(T + 45 * DAY);
    at(T + 60 * DAY);
    const second = archiveAndPruneAudit(T + 60 * DAY);
    expect(second.records).toBe(30);
    expect(readdirSync(path.join(env.dir, 'data', ARCHIVE_DIR_NAME))).toHaveLength(2);
    expect(listAudit({ action: 'audit.pruned' })).toHaveLength(2);
  });

  it('keeps every record when the archive cannot be written, and audits the failure', () => {
    history(40);
    const before = ids();
    // A file where the archive directory should be: the directory cannot be made.
    writeFileSync(path.join(env.dir, 'data', ARCHIVE_DIR_NAME), 'in the way');
    expect(() => archiveAndPruneAudit(T + 45 * DAY)).toThrow();
    expect(ids().slice(0, before.length)).toEqual(before);
    expect(listAudit({ action: 'audit.pruned' })).toEqual([expect.objectContaining({ outcome: 'failed' })]);
  });

  it('the store refuses to delete a record that is not archived, and any change to the archive list', () => {
    history(40);
    const { lastId } = archiveAndPruneAudit(T + 45 * DAY) as { lastId: number };
    expect(() => env.db.prepare('DELETE FROM audit_log WHERE id = ?').run(lastId + 1)).toThrow(/append-only/);
    expect(() => env.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => env.db.prepare('UPDATE audit_archives SET last_id = last_id + 10').run()).toThrow(/append-only/);
    expect(() => env.db.prepare('DELETE FROM audit_archives').run()).toThrow(/append-only/);
  });
});
