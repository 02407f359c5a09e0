import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditRows, callAction, openServerStore, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';
import { waitFor } from '../../support/wait';

const run = promisify(execFile);
const testbed = readTestbed();
const TARGET = `${testbed.project}-streaming-1`;
const PASSWORD_ENV = { DASHBOARD_PASSWORD: 'sessions-password-long-enough' };
let server: RunningServer;

async function startedAt(container: string): Promise<string> {
  const { stdout } = await run('docker', ['inspect', '--format', '{{.State.StartedAt}}', container], {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
  });
  return stdout.trim();
}

async function pageStatus(cookie: string): Promise<number> {
  return (await rawRequest(server.port, { path: '/', headers: { cookie } })).status;
}

beforeAll(async () => {
  server = await startServer(PASSWORD_ENV);
});

afterAll(async () => {
  await server.stop();
});

describe('sessions', () => {
  it('logout invalidates the session server-side: the old cookie no longer works', async () => {
    const { cookie, idHash } = plantSession(server.dataDir);
    expect(await pageStatus(cookie)).toBe(200);
    const response = await callAction(server.port, 'logoutAction', [], { cookie });
    expect(response.status).toBeLessThan(400);
    expect(await pageStatus(cookie)).toBe(307);
    const db = openServerStore(server.dataDir);
    expect(db.prepare('SELECT count(*) AS n FROM sessions WHERE id_hash = ?').get(idHash)).toEqual({ n: 0 });
    db.close();
  });

  it('a session idle longer than SESSION_IDLE_MINUTES ends', async () => {
    const { cookie } = plantSession(server.dataDir, { lastSeenAgoMs: 31 * 60_000 });
    expect(await pageStatus(cookie)).toBe(307);
  });

  it('a session past SESSION_MAX_HOURS ends, however active', async () => {
    const { cookie } = plantSession(server.dataDir, { expiresInMs: -1 });
    expect(await pageStatus(cookie)).toBe(307);
  });

  it('a forged or unknown cookie is no session', async () => {
    expect(await pageStatus('mastodash_session=not-a-session')).toBe(307);
    expect(await pageStatus(`mastodash_session=${'x'.repeat(5000)}`)).toBe(307);
  });

  it('a dangerous action with no login in the last REAUTH_MINUTES asks for the password, runs nothing', async () => {
    const { cookie } = plantSession(server.dataDir, { authenticatedAgoMs: 11 * 60_000 });
    const before = await startedAt(TARGET);
    const auditBefore = auditRows(server.dataDir).length;
    const response = await callAction(server.port, 'restartContainerAction', [{ container: TARGET }], { cookie });
    expect(response.body).toContain('"reauth_required"');
    expect(await startedAt(TARGET)).toBe(before);
    expect(auditRows(server.dataDir).length).toBe(auditBefore);
  });
});

describe('audit log, fail closed', () => {
  it('writes the "started" record before the privileged call, and the outcome after', async () => {
    const { cookie } = plantSession(server.dataDir);
    const before = await startedAt(TARGET);
    const auditBefore = auditRows(server.dataDir).length;
    const response = await callAction(server.port, 'restartContainerAction', [{ container: TARGET }], { cookie });
    expect(response.body).toMatch(/"ok":true/);
    const started = auditRows(server.dataDir)
      .slice(auditBefore)
      .find((row) => row.action === 'container.restarted');
    // The answer comes as soon as the job starts: the record is there, still 'started', before the restart is done.
    expect(started).toMatchObject({ outcome: 'started', target: TARGET });
    await expect
      .poll(() => auditRows(server.dataDir).find((row) => row.id === started!.id)?.outcome, { timeout: 60_000 })
      .toBe('succeeded');
    expect(await startedAt(TARGET)).not.toBe(before);
  });

  it('with the audit store read-only, the action is refused and nothing runs', async () => {
    const { cookie } = plantSession(server.dataDir);
    const before = await startedAt(TARGET);
    const files = ['mastodash.sqlite', 'mastodash.sqlite-wal'].map((file) => path.join(server.dataDir, file));
    // Root ignores file modes; the immutable flag makes even an open file unwritable.
    await run('chattr', ['+i', ...files]);
    try {
      const response = await callAction(server.port, 'restartContainerAction', [{ container: TARGET }], { cookie });
      expect(response.body).toContain('"audit_unavailable"');
      // The title travels as a Text (rendered in the reader's language by the page): its key, not English words.
      expect(response.body).toContain('"key":"audit.errors.unavailable.titleWritten"');
    } finally {
      await run('chattr', ['-i', ...files]);
    }
    expect(await startedAt(TARGET)).toBe(before);
  });

  it('kill -9 during an action leaves a record shown interrupted after the restart; nothing runs again', async () => {
    const { cookie } = plantSession(server.dataDir);
    const auditBefore = auditRows(server.dataDir).length;
    await callAction(server.port, 'restartContainerAction', [{ container: TARGET }], { cookie });
    const started = await waitFor('the started record', () =>
      auditRows(server.dataDir)
        .slice(auditBefore)
        .find((row) => row.outcome === 'started'),
    );
    await server.stop('SIGKILL');
    expect(auditRows(server.dataDir).find((row) => row.id === started.id)?.outcome).toBe('started');

    server = await startServer(PASSWORD_ENV, server.dataDir);
    const rows = auditRows(server.dataDir);
    expect(rows.find((row) => row.id === started.id)).toMatchObject({
      outcome: 'interrupted',
      action: 'container.restarted',
    });
    expect(rows.filter((row) => row.id > started.id && row.action === 'container.restarted')).toEqual([]);
    expect(server.output()).toMatch(/1 action\(s\) were cut short/);
    const db = openServerStore(server.dataDir);
    expect(db.prepare('SELECT status FROM jobs WHERE audit_id = ?').get(started.id)).toEqual({ status: 'interrupted' });
    db.close();

    const { cookie: fresh } = plantSession(server.dataDir);
    const page = await rawRequest(server.port, { path: '/audit?outcome=interrupted', headers: { cookie: fresh } });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/[Ii]nterrupted/);
    expect(page.body).toContain(TARGET);
  });
});
