import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backupName } from '@/lib/backups/layout';
import { pgDumpArgv, pgRestoreArgv, scratchDatabaseName } from '@/lib/backups/pg-commands';
import { checkBackupIntegrity } from '@/lib/backups/store';
import { PartialBackup } from '@/lib/backups/writer';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { execStreaming } from '@/lib/docker/exec';
import { createSocketProxy } from '@/lib/socket-proxy/server';
import { readTestbed } from '@/test/support/testbed';

/**
 * A backup's dump and its test restore as a compose deployment runs them: pg_dump and pg_restore inside a real
 * Postgres 15 db container (project.sh up --db real), through the real socket proxy, the dump streamed into the
 * backup writer and streamed back in on stdin.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const PROJECT = `mdbk${Date.now().toString(36).slice(-4)}`;
const TABLES = ['accounts', 'users', 'statuses', 'media_attachments'] as const;

let dir: string;
let proxy: Server;
let dbPort: number;
let dbContainerId: string;

function client(database: string): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres', database });
}

async function counts(database: string): Promise<Record<string, number>> {
  const db = client(database);
  await db.connect();
  try {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      result[table] = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    }
    return result;
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--db', 'real'], { timeout: 240_000 });
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', PROJECT, '120'], { timeout: 240_000 });
  const env = readFileSync(`/var/lib/mastodash-testbed/projects/${PROJECT}/.env.production`, 'utf8');
  dbPort = Number(/^DB_PORT=(\d+)$/m.exec(env)![1]);
  dir = mkdtempSync(path.join(tmpdir(), 'mastodash-dump-'));
  const socketPath = path.join(dir, 'docker.sock');
  proxy = createSocketProxy({ upstreamSocket: testbed.dockerHost.replace(/^unix:\/\//, ''), project: PROJECT });
  await new Promise<void>((resolve) => proxy.listen(socketPath, resolve));
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: `unix://${socketPath}`, COMPOSE_PROJECT: PROJECT } }));
  const { stdout } = await run('docker', ['inspect', '-f', '{{.Id}}', `${PROJECT}-db-1`], {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
  });
  dbContainerId = stdout.trim();
}, 300_000);

afterAll(async () => {
  setConfigForTesting(undefined);
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(`/var/lib/mastodash-testbed/projects/${PROJECT}`, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('pg_dump and pg_restore in the db container, through the socket proxy', () => {
  it('dumps into a backup whose checksum holds, and restores it into a scratch database with the same rows', async () => {
    const live = await counts('mastodon_production');
    expect(live.statuses).toBeGreaterThan(100);

    const backupDir = path.join(dir, 'backups');
    const startedAt = new Date();
    const partial = await PartialBackup.open(backupDir, backupName(startedAt, '4.3.17'));
    const dumpStream = new PassThrough();
    const written = partial.addPart('database', dumpStream);
    const dumped = await execStreaming(dbContainerId, pgDumpArgv('postgres', 'mastodon_production'), {
      stdout: dumpStream,
      timeoutMs: 120_000,
    });
    dumpStream.end();
    const file = await written;
    expect(dumped).toEqual({ exitCode: 0, stderr: '' });
    expect(file.bytes).toBeGreaterThan(10_000);
    const record = await partial.commit({
      format: 1,
      trigger: 'manual',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: 0,
      mastodonVersion: '4.3.17',
      verification: { state: 'pending' },
    });
    await checkBackupIntegrity(backupDir, record.name);
    const dumpPath = path.join(backupDir, record.name, 'mastodon.dump');
    expect(readFileSync(dumpPath).subarray(0, 5).toString('latin1')).toBe('PGDMP');

    const scratch = scratchDatabaseName(startedAt);
    const admin = client('postgres');
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${scratch}`);
      const restored = await execStreaming(dbContainerId, pgRestoreArgv('postgres', scratch), {
        stdin: createReadStream(dumpPath),
        stdout: new PassThrough().resume(),
        timeoutMs: 120_000,
      });
      expect(restored).toEqual({ exitCode: 0, stderr: '' });
      expect(await counts(scratch)).toEqual(live);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('reports pg_restore’s own failure (a truncated file) with its exit code and message', async () => {
    const scratch = scratchDatabaseName(new Date(Date.now() + 1000));
    const admin = client('postgres');
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${scratch}`);
      const truncated = new PassThrough();
      truncated.end(Buffer.from('PGDMP not really a dump'));
      const restored = await execStreaming(dbContainerId, pgRestoreArgv('postgres', scratch), {
        stdin: truncated,
        stdout: new PassThrough().resume(),
        timeoutMs: 60_000,
      });
      expect(restored.exitCode).toBe(1);
      expect(restored.stderr).toMatch(/^pg_restore: error: /);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
      await admin.end();
    }
  });
});
