import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

import { auditEvent, auditFinish, auditStart, listAudit, markInterruptedRecords } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { inEnglish } from '@/lib/i18n/english';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';

import { useTempStore } from './store';

let temp: ReturnType<typeof useTempStore>;
let stdout: MockInstance<typeof console.log>;
let stderr: MockInstance<typeof console.error>;

beforeEach(() => {
  temp = useTempStore('boot-a');
  stdout = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
  temp.cleanup();
});

function row(db: Store, id: number) {
  return db.prepare('SELECT * FROM audit_log WHERE id = ?').get(id) as Record<string, unknown>;
}

const restart = {
  actor: 'admin',
  session: 'ab12cd34ef',
  action: 'container.restarted',
  target: 'mastodon-web-1',
} as const;

describe('auditStart and auditFinish', () => {
  it('records started, then the outcome, and prints the finished record for journald', () => {
    const id = auditStart({ ...restart, params: { container: 'mastodon-web-1' } });
    const started = row(temp.db, id);
    expect(started).toMatchObject({
      outcome: 'started',
      boot_id: 'boot-a',
      actor: 'admin',
      session: 'ab12cd34ef',
      finished_at: null,
    });
    expect(JSON.parse(started.params as string)).toEqual({ container: 'mastodon-web-1' });
    expect(listAudit({})[0]).toMatchObject({ id, outcome: 'started', running: true });
    expect(stdout).not.toHaveBeenCalled();

    auditFinish(id, { outcome: 'succeeded', durationMs: 1234.4 });
    expect(row(temp.db, id)).toMatchObject({ outcome: 'succeeded', duration_ms: 1234, error: null });
    expect(typeof row(temp.db, id).finished_at).toBe('number');
    expect(listAudit({})[0]).toMatchObject({ id, outcome: 'succeeded', running: false, durationMs: 1234 });

    expect(stdout).toHaveBeenCalledTimes(1);
    const line = String(stdout.mock.calls[0]![0]);
    expect(line.startsWith('[audit] ')).toBe(true);
    expect(JSON.parse(line.slice('[audit] '.length))).toMatchObject({
      id,
      action: 'container.restarted',
      outcome: 'succeeded',
    });
  });

  it('a second finish is refused by the trigger, logged to stderr, and does not throw', () => {
    const id = auditStart(restart);
    auditFinish(id, { outcome: 'failed', error: 'Docker is down', durationMs: 5 });
    expect(() => auditFinish(id, { outcome: 'succeeded', durationMs: 9 })).not.toThrow();
    expect(row(temp.db, id)).toMatchObject({ outcome: 'failed', error: 'Docker is down', duration_ms: 5 });
    expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/only change once/);
  });

  it('the trigger refuses any change besides started → outcome, whatever the caller', () => {
    const id = auditStart(restart);
    expect(() => temp.db.prepare("UPDATE audit_log SET target = 'other' WHERE id = ?").run(id)).toThrow(
      /only change once/,
    );
    expect(() => temp.db.prepare("UPDATE audit_log SET outcome = 'started' WHERE id = ?").run(id)).toThrow(
      /only change once/,
    );
    temp.db.prepare("UPDATE audit_log SET outcome = 'succeeded' WHERE id = ?").run(id);
    expect(() => temp.db.prepare("UPDATE audit_log SET outcome = 'failed' WHERE id = ?").run(id)).toThrow(
      /only change once/,
    );
  });

  it('DELETE is refused', () => {
    const id = auditStart(restart);
    expect(() => temp.db.prepare('DELETE FROM audit_log WHERE id = ?').run(id)).toThrow(/append-only/);
    expect(() => temp.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(row(temp.db, id)).toBeDefined();
  });

  it('finishing a record that does not exist is reported on stderr, not thrown', () => {
    expect(() => auditFinish(999, { outcome: 'succeeded', durationMs: 1 })).not.toThrow();
    expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/no such record/);
  });

  it('redacts params, target and error before they are stored or printed', () => {
    const password = '0123456789abcdef0123456789abcdef';
    const id = auditStart({
      actor: 'admin',
      action: 'account.created',
      target: 'alice',
      params: { username: 'alice', password },
    });
    auditFinish(id, { outcome: 'succeeded', error: `OK\nNew password: ${password}`, durationMs: 3 });
    const stored = JSON.stringify(row(temp.db, id));
    expect(stored).not.toContain(password);
    expect(String(stdout.mock.calls[0]![0])).not.toContain(password);
    expect(listAudit({})[0]!.params).toEqual({ username: 'alice', password: '[redacted]' });
  });

  it('keeps only a short session reference', () => {
    const id = auditStart({ ...restart, session: 'x'.repeat(43) });
    expect(row(temp.db, id).session).toBe('x'.repeat(16));
  });
});

describe('auditEvent', () => {
  it('writes one complete record with started_at = finished_at − duration', () => {
    const id = auditEvent({
      actor: 'admin',
      action: 'auth.login_failed',
      outcome: 'failed',
      error: 'Wrong username or password',
      durationMs: 250,
    });
    const stored = row(temp.db, id);
    expect(stored).toMatchObject({ outcome: 'failed', error: 'Wrong username or password', duration_ms: 250 });
    expect((stored.finished_at as number) - (stored.started_at as number)).toBe(250);
    expect(stdout).toHaveBeenCalledTimes(1);
    // Complete from the start: nothing can finish it again.
    auditFinish(id, { outcome: 'succeeded', durationMs: 1 });
    expect(row(temp.db, id).outcome).toBe('failed');
  });

  it('without a duration stores none', () => {
    const id = auditEvent({ actor: 'admin', action: 'auth.logout', outcome: 'succeeded' });
    expect(row(temp.db, id)).toMatchObject({ duration_ms: null });
  });
});

describe('markInterruptedRecords', () => {
  it("turns another boot's started records into interrupted ones, and leaves this boot's alone", () => {
    const old1 = auditStart(restart);
    const old2 = auditStart({ ...restart, target: 'mastodon-sidekiq-1' });
    const oldDone = auditStart(restart);
    auditFinish(oldDone, { outcome: 'succeeded', durationMs: 1 });

    setStoreForTesting(temp.db, 'boot-b');
    const current = auditStart(restart);
    stdout.mockClear();

    expect(markInterruptedRecords()).toBe(2);
    for (const id of [old1, old2]) {
      expect(row(temp.db, id)).toMatchObject({
        outcome: 'interrupted',
        error: 'The dashboard stopped while this ran (crash, kill or restart).',
      });
    }
    expect(row(temp.db, oldDone).outcome).toBe('succeeded');
    expect(row(temp.db, current).outcome).toBe('started');
    expect(stdout).toHaveBeenCalledTimes(2);
    expect(markInterruptedRecords()).toBe(0);
  });

  it("shows another boot's unfinished record as not running even before it is marked", () => {
    const id = auditStart(restart);
    setStoreForTesting(temp.db, 'boot-b');
    expect(listAudit({})[0]).toMatchObject({ id, outcome: 'started', running: false });
  });
});

describe('listAudit', () => {
  function seed(): number[] {
    return [
      auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' }),
      auditEvent({ actor: 'eve', action: 'auth.login_failed', outcome: 'failed' }),
      auditEvent({ actor: 'admin', action: 'container.restarted', target: 'web', outcome: 'succeeded' }),
      auditEvent({ actor: 'eve', action: 'auth.login_failed', outcome: 'refused' }),
      auditEvent({ actor: 'admin', action: 'container.restarted', target: 'web', outcome: 'failed' }),
    ];
  }

  it('lists newest first as plain DTOs', () => {
    const ids = seed();
    const list = listAudit({});
    expect(list.map((r) => r.id)).toEqual([...ids].reverse());
    expect(Object.keys(list[0]!).sort()).toEqual(
      [
        'action',
        'actor',
        'count',
        'durationMs',
        'error',
        'finishedAt',
        'id',
        'outcome',
        'params',
        'running',
        'session',
        'startedAt',
        'target',
      ].sort(),
    );
    expect(list[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('filters by action and by outcome, together or apart', () => {
    const [, failed1, restarted, refused, restartFailed] = seed();
    expect(listAudit({ action: 'auth.login_failed' }).map((r) => r.id)).toEqual([refused, failed1]);
    expect(listAudit({ outcome: 'failed' }).map((r) => r.id)).toEqual([restartFailed, failed1]);
    expect(listAudit({ action: 'container.restarted', outcome: 'succeeded' }).map((r) => r.id)).toEqual([restarted]);
    expect(listAudit({ outcome: 'interrupted' })).toEqual([]);
  });

  it('pages with limit and beforeId', () => {
    const ids = seed();
    const first = listAudit({ limit: 2 });
    expect(first.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const second = listAudit({ limit: 2, beforeId: first.at(-1)!.id });
    expect(second.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(listAudit({ limit: 2, beforeId: ids[0] })).toEqual([]);
    expect(listAudit({ action: 'auth.login_failed', beforeId: ids[3] }).map((r) => r.id)).toEqual([ids[1]]);
  });

  it('defaults to 100 records and never returns more than 500', () => {
    const insert = temp.db.transaction(() => {
      for (let i = 0; i < 520; i++) auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    });
    insert();
    expect(listAudit({})).toHaveLength(100);
    expect(listAudit({ limit: 10_000 })).toHaveLength(500);
    expect(listAudit({ limit: 0 })).toHaveLength(1);
  });
});

describe('fail closed', () => {
  it('auditStart throws audit_unavailable when the store is read-only', () => {
    temp.db.close();
    const readonly = openStore(temp.dir, { readonly: true });
    setStoreForTesting(readonly, 'boot-a');
    try {
      let caught: unknown;
      try {
        auditStart(restart);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('audit_unavailable');
      expect(inEnglish((caught as AppError).title)).toBe('The audit log cannot be written');
      expect(inEnglish((caught as AppError).detail)).toMatch(/read-only/);
      expect(inEnglish((caught as AppError).fix ?? '')).toMatch(/DATA_DIR/);
      expect(() => auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' })).toThrow(AppError);
      // Reading still works, so the page can show what was recorded.
      expect(listAudit({})).toEqual([]);
    } finally {
      readonly.close();
    }
  });

  it('auditStart throws audit_unavailable when the store is closed', () => {
    temp.db.close();
    let caught: unknown;
    try {
      auditStart(restart);
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).code).toBe('audit_unavailable');
    expect(inEnglish((caught as AppError).detail)).toBe('The store is closed.');
  });

  it('auditFinish never throws, even when the store is gone', () => {
    const id = auditStart(restart);
    temp.db.close();
    expect(() => auditFinish(id, { outcome: 'succeeded', durationMs: 1 })).not.toThrow();
    expect(stderr).toHaveBeenCalled();
  });
});
