import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { openServerStore, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';

// The store stays bounded, and nothing leaves it without a trace (docs/design.md, "The audit log stays bounded").
const ENV = { DASHBOARD_PASSWORD: 'audit-retention-password-long', AUDIT_RETENTION_DAYS: '30' };
const DAY = 86_400_000;
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Records as an earlier year of use would have left them (the store's own columns, old times). */
function plantOldRecords(dataDir: string, count: number): number[] {
  const db = openServerStore(dataDir);
  try {
    const insert = db.prepare(
      `INSERT INTO audit_log (started_at, boot_id, actor, action, target, params, outcome, error, duration_ms,
                              finished_at)
       VALUES (?, 'an-old-boot', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const ids: number[] = [];
    // Half a day off the day boundaries, so the seconds between planting and the cutoff do not matter.
    const start = Date.now() - 400 * DAY - DAY / 2;
    for (let i = 0; i < count; i++) {
      const at = start + i * DAY;
      const failed = i % 2 === 1;
      const { lastInsertRowid } = insert.run(
        at,
        failed ? 'x;=1+1' : 'admin',
        failed ? 'auth.login_failed' : 'container.restarted',
        failed ? null : 'mastodon-web-1',
        failed ? '{}' : '{"container":"mastodon-web-1"}',
        failed ? 'failed' : 'succeeded',
        failed ? 'Wrong "username" or password' : null,
        failed ? null : 1200,
        at + 1200,
      );
      ids.push(Number(lastInsertRowid));
    }
    return ids;
  } finally {
    db.close();
  }
}

describe('audit retention on the running server', () => {
  it(
    'at start, records older than AUDIT_RETENTION_DAYS go to a CSV file identical to their export, then leave' +
      ' the store; the move is audited',
    async () => {
      server = await startServer({ ...ENV, AUDIT_RETENTION_DAYS: '0' });
      const { dataDir } = server;
      // From 400.5 days ago, one a day: the first 371 are older than 30 days.
      const planted = plantOldRecords(dataDir, 380);
      const old = planted.slice(0, 371);
      const { cookie } = plantSession(dataDir);
      const exported = await rawRequest(server.port, {
        path: `/audit/export?beforeId=${old.at(-1)! + 1}`,
        headers: { cookie },
      });
      expect(exported.status).toBe(200);
      await server.stop();

      server = await startServer(ENV, dataDir);
      const archiveDir = path.join(dataDir, 'audit-archive');
      const files = readdirSync(archiveDir);
      expect(files).toHaveLength(1);
      const file = path.join(archiveDir, files[0]!);
      expect(readFileSync(file, 'utf8')).toBe(exported.body);
      expect(server.output()).toContain(`archived ${old.length} audit record(s) older than 30 days to ${file}`);

      const db = openServerStore(dataDir);
      try {
        const remaining = (db.prepare('SELECT id FROM audit_log').all() as { id: number }[]).map((row) => row.id);
        expect(remaining.filter((id) => old.includes(id))).toEqual([]);
        expect(remaining).toEqual(expect.arrayContaining(planted.slice(371)));
        const pruned = db
          .prepare("SELECT actor, target, outcome, params FROM audit_log WHERE action = 'audit.pruned'")
          .all() as {
          params: string;
        }[];
        expect(pruned).toEqual([expect.objectContaining({ actor: 'dashboard', target: file, outcome: 'succeeded' })]);
        expect(JSON.parse(pruned[0]!.params)).toMatchObject({
          records: old.length,
          firstId: old[0],
          lastId: old.at(-1),
          retentionDays: 30,
        });
      } finally {
        db.close();
      }

      // The page lists the move.
      const page = await rawRequest(server.port, {
        path: '/audit?action=audit.pruned',
        headers: { cookie: plantSession(dataDir).cookie },
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain('Old records archived and removed');
    },
    120_000,
  );
});
