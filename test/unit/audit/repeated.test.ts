import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

import { AuditTable } from '@/components/audit/audit-table';
import {
  MAX_ACTORS_PER_WINDOW,
  OTHER_ACTORS,
  REPEAT_WINDOW_MS,
  auditCsv,
  auditRepeated,
  flushRepeatedLines,
  listAudit,
  type RepeatedEntry,
} from '@/lib/audit';

import { openStore, setStoreForTesting } from '@/lib/store';
import { withIntl } from '@/test/support/intl';

import { useTempStore } from './store';

const T = Date.UTC(2026, 0, 15, 10, 2, 0);
const wrong: RepeatedEntry = {
  actor: 'admin',
  action: 'auth.login_failed',
  outcome: 'failed',
  error: 'Wrong username or password',
};

let temp: ReturnType<typeof useTempStore>;
let stdout: MockInstance<typeof console.log>;

beforeEach(() => {
  temp = useTempStore('boot-a');
  stdout = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  flushRepeatedLines();
  vi.restoreAllMocks();
  temp.cleanup();
});

function rows() {
  return temp.db
    .prepare(
      'SELECT id, actor, outcome, error, repeat_count, started_at, finished_at,' +
        ' window_ends_at FROM audit_log ORDER BY id',
    )
    .all() as {
    id: number;
    actor: string;
    outcome: string;
    error: string;
    repeat_count: number;
    started_at: number;
    finished_at: number;
    window_ends_at: number;
  }[];
}

const auditLines = () => stdout.mock.calls.map((call) => String(call[0])).filter((line) => line.startsWith('[audit] '));

describe('auditRepeated', () => {
  it('counts repeats of one failure in one row per window, exactly, with the first and last time', () => {
    for (let i = 0; i < 240; i++) auditRepeated(wrong, T + i * 1_000);
    expect(rows()).toEqual([
      expect.objectContaining({
        actor: 'admin',
        repeat_count: 240,
        started_at: T,
        finished_at: T + 239_000,
        window_ends_at: T + REPEAT_WINDOW_MS,
      }),
    ]);
  });

  it('opens a new row when the window has passed, and keeps kinds of failure apart', () => {
    auditRepeated(wrong, T);
    auditRepeated(wrong, T + REPEAT_WINDOW_MS - 1);
    auditRepeated(wrong, T + REPEAT_WINDOW_MS);
    auditRepeated({ ...wrong, outcome: 'refused', error: 'Refused during the back-off' }, T + 1);
    auditRepeated({ ...wrong, actor: 'root' }, T + 2);
    expect(rows().map((row) => [row.actor, row.outcome, row.repeat_count, row.started_at])).toEqual([
      ['admin', 'failed', 2, T],
      ['admin', 'failed', 1, T + REPEAT_WINDOW_MS],
      ['admin', 'refused', 1, T + 1],
      ['root', 'failed', 1, T + 2],
    ]);
  });

  it('a new username for every guess cannot make a row per guess: beyond the first few, they share one row', () => {
    for (let i = 0; i < 1_000; i++) auditRepeated({ ...wrong, actor: `guess${i}` }, T + i);
    const all = rows();
    expect(all).toHaveLength(MAX_ACTORS_PER_WINDOW + 1);
    expect(all.at(-1)).toMatchObject({ actor: OTHER_ACTORS, repeat_count: 1_000 - MAX_ACTORS_PER_WINDOW });
    expect(all.reduce((sum, row) => sum + row.repeat_count, 0)).toBe(1_000);
    // A name that already has a row keeps counting there.
    auditRepeated({ ...wrong, actor: 'guess3' }, T + 2_000);
    expect(rows()[3]).toMatchObject({ actor: 'guess3', repeat_count: 2 });
  });

  it('prints one stdout line per window, with the final count, when the window closes', () => {
    for (let i = 0; i < 50; i++) auditRepeated(wrong, T + i);
    expect(auditLines()).toEqual([]);
    flushRepeatedLines();
    flushRepeatedLines();
    const lines = auditLines();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.slice('[audit] '.length))).toMatchObject({
      action: 'auth.login_failed',
      actor: 'admin',
      count: 50,
      outcome: 'failed',
    });
  });

  it('the store refuses any other change to a counted row', () => {
    const { id } = auditRepeated(wrong, T);
    const update =
      (sql: string, ...values: unknown[]) =>
      () =>
        temp.db.prepare(sql).run(...values, id);
    expect(update('UPDATE audit_log SET repeat_count = repeat_count + 2 WHERE id = ?')).toThrow(/only change once/);
    expect(
      update(
        'UPDATE audit_log SET repeat_count = repeat_count + 1, finished_at = ? WHERE id = ?',
        T + REPEAT_WINDOW_MS,
      ),
    ).toThrow(/only change once/);
    expect(update("UPDATE audit_log SET repeat_count = repeat_count + 1, error = 'other' WHERE id = ?")).toThrow(
      /only change once/,
    );
    expect(update("UPDATE audit_log SET actor = 'someone' WHERE id = ?")).toThrow(/only change once/);
    expect(update('UPDATE audit_log SET window_ends_at = window_ends_at + 1 WHERE id = ?')).toThrow(/only change once/);
    expect(update('DELETE FROM audit_log WHERE id = ?')).toThrow(/append-only/);
  });

  it('fails closed: when the count cannot be written, it throws audit_unavailable (the login is then refused)', () => {
    auditRepeated(wrong, T);
    temp.db.close();
    const readonly = openStore(temp.dir, { readonly: true });
    setStoreForTesting(readonly, 'boot-a');
    try {
      expect(() => auditRepeated(wrong, T + 1)).toThrow(expect.objectContaining({ code: 'audit_unavailable' }));
      expect(() => auditRepeated({ ...wrong, actor: 'root' }, T + 1)).toThrow(
        expect.objectContaining({ code: 'audit_unavailable' }),
      );
    } finally {
      readonly.close();
    }
  });

  it('shows in the list, the CSV and the page as one row with its count and its time span', () => {
    for (let i = 0; i < 240; i++) auditRepeated(wrong, T + i * 1_000);
    const [record] = listAudit({ action: 'auth.login_failed', outcome: 'failed' });
    expect(record).toMatchObject({
      count: 240,
      startedAt: '2026-01-15T10:02:00.000Z',
      finishedAt: '2026-01-15T10:05:59.000Z',
      durationMs: null,
    });
    const line = auditCsv({}).split('\r\n')[1]!;
    const [id, ...rest] = line.split(',');
    expect(id).toMatch(/^"\d+"$/);
    expect(rest.join(',')).toBe(
      '"2026-01-15T10:02:00.000Z","2026-01-15T10:05:59.000Z","admin","","auth.login_failed","","failed",' +
        '"Wrong username or password","","{}","240"',
    );
    const html = renderToStaticMarkup(withIntl(createElement(AuditTable, { records: [record!] })));
    expect(html).toContain('× 240 between 2026-01-15 10:02:00 and 10:05:59 UTC');
  });
});
