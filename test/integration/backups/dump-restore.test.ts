import { execFile } from 'node:child_process';
import type { ErrorText } from '@/lib/errors';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backupName } from '@/lib/backups/layout';
import { pgDumpArgv, pgRestoreArgv, scratchDatabaseName } from '@/lib/backups/pg-commands';
import { containerTools } from '@/lib/backups/postgres-tools';
import { checkBackupIntegrity, listBackups } from '@/lib/backups/store';
import { takeBackup, type BackupSource } from '@/lib/backups/take';
import { countTables, verifyBackup } from '@/lib/backups/verify';
import { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { PartialBackup } from '@/lib/backups/writer';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { execStreaming } from '@/lib/docker/exec';
import { createSocketProxy } from '@/lib/socket-proxy/server';
import { countMastodonRows } from '@/test/support/postgres';
import { readTestbed } from '@/test/support/testbed';

/**
 * A backup's dump and its test restore as a compose deployment runs them: pg_dump and pg_restore inside a real
 * Postgres 15 db container (project.sh up --db real), through the real socket proxy, the dump streamed into the
 * backup writer and streamed back in on stdin.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const PROJECT = `mdbk${Date.now().toString(36).slice(-4)}`;

let dir: string;
let proxy: Server;
let dbPort: number;
let dbContainerId: string;

function client(database: string): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres', database });
}

function counts(database: string): Promise<Record<string, number>> {
  return countMastodonRows({ host: '127.0.0.1', port: dbPort, user: 'postgres', database });
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

describe('a backup taken and verified as the dashboard runs them', () => {
  const steps: string[] = [];
  const progress = (update: { step: ErrorText }) => void steps.push(inEnglish(update.step));
  const connectAs = (user: string) => async (database: string) => {
    const connection = new pg.Client({ host: '127.0.0.1', port: dbPort, user, database });
    await connection.connect();
    return connection;
  };
  const source = (): BackupSource => ({
    tools: containerTools(dbContainerId),
    dbUser: 'postgres',
    dbName: 'mastodon_production',
    envFile: `/var/lib/mastodash-testbed/projects/${PROJECT}/.env.production`,
    composeFile: `/var/lib/mastodash-testbed/projects/${PROJECT}/docker-compose.yml`,
    mastodonVersion: '4.3.17',
  });
  const scratchDatabases = async () => {
    const admin = client('postgres');
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'mastodash_verify_%'",
      );
      return rows.map((row) => row.datname);
    } finally {
      await admin.end();
    }
  };

  it('takes the dump and both files, restores it, counts the same rows (one written meanwhile), drops the scratch', async () => {
    const backupDir = path.join(dir, 'verified');
    const record = await takeBackup(source(), backupDir, {
      trigger: 'manual',
      progress,
      timeoutMs: 120_000,
      countLive: () => countTables(connectAs('postgres'), 'mastodon_production'),
    });
    expect(record.files.map((file) => file.file)).toEqual(['mastodon.dump', 'env.production', 'docker-compose.yml']);
    expect(record.liveCountsBeforeDump).toEqual(await counts('mastodon_production'));

    // A status written after the dump: the live count grows, the restore holds one fewer, and that is right.
    const live = client('mastodon_production');
    await live.connect();
    await live.query(
      "INSERT INTO statuses (text, local, account_id, created_at, updated_at) SELECT 'after the dump', true, id, now(), now() FROM accounts WHERE domain IS NULL LIMIT 1",
    );
    await live.end();

    const outcome = await verifyBackup(source(), backupDir, record, {
      connect: connectAs('postgres'),
      liveDatabase: 'mastodon_production',
      progress,
      timeoutMs: 120_000,
    });
    expect(outcome.state).toBe('verified');
    expect(renderText(translatorFor('de'), outcome.detail!)).toMatch(/^Eingespielt in mastodash_verify_/);
    expect(inEnglish(outcome.detail!)).toMatch(
      /^Restored into mastodash_verify_\d{8}t\d{6}: 13 accounts, 7 users, \d+ statuses, 57 media_attachments\.$/,
    );
    const [listed] = await listBackups(backupDir);
    expect(listed?.record?.verification).toMatchObject({ state: 'verified' });
    expect(await scratchDatabases()).toEqual([]);
    expect(steps).toEqual(
      expect.arrayContaining([
        'Dumping the database',
        'Restoring into the scratch database',
        'Dropping the scratch database',
      ]),
    );
  });

  it('says "not verified" when the role may not create databases, and changes nothing else', async () => {
    const admin = client('postgres');
    await admin.connect();
    await admin.query('DROP ROLE IF EXISTS mastodash_nocreate');
    await admin.query('CREATE ROLE mastodash_nocreate LOGIN NOCREATEDB');
    await admin.end();
    const backupDir = path.join(dir, 'nocreate');
    const record = await takeBackup(source(), backupDir, { trigger: 'schedule', progress, timeoutMs: 120_000 });
    const outcome = await verifyBackup({ ...source(), dbUser: 'mastodash_nocreate' }, backupDir, record, {
      connect: connectAs('mastodash_nocreate'),
      liveDatabase: 'mastodon_production',
      progress,
      timeoutMs: 60_000,
    });
    expect(outcome.state).toBe('not_verified');
    expect(inEnglish(outcome.detail!)).toBe(
      'The database role mastodash_nocreate may not create databases, so the backup could not be restored to check it. Give the role CREATEDB, or check a restore by hand.',
    );
    expect(renderText(translatorFor('de'), outcome.detail!)).toContain('Die Datenbankrolle mastodash_nocreate');
    expect((await listBackups(backupDir))[0]?.record?.verification.state).toBe('not_verified');
    expect(await scratchDatabases()).toEqual([]);
  });

  it('fails verification of a dump changed on disk, before restoring anything', async () => {
    const backupDir = path.join(dir, 'corrupt');
    const record = await takeBackup(source(), backupDir, { trigger: 'manual', progress, timeoutMs: 120_000 });
    const dumpPath = path.join(backupDir, record.name, 'mastodon.dump');
    const bytes = readFileSync(dumpPath);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(dumpPath, bytes);
    const outcome = await verifyBackup(source(), backupDir, record, {
      connect: connectAs('postgres'),
      liveDatabase: 'mastodon_production',
      progress,
      timeoutMs: 60_000,
    });
    expect(outcome.state).toBe('failed');
    expect(inEnglish(outcome.detail!)).toBe(
      'The backup is damaged: mastodon.dump does not match its checksum: its bytes changed after the backup was written.',
    );
    expect(renderText(translatorFor('de'), outcome.detail!)).toMatch(/^Die Sicherung ist beschädigt: mastodon\.dump/);
  });

  it('fails a backup whose pg_dump fails with pg_dump’s own words, and leaves no partial directory', async () => {
    const backupDir = path.join(dir, 'failing');
    const error = await takeBackup({ ...source(), dbName: 'no_such_database' }, backupDir, {
      trigger: 'manual',
      progress,
      timeoutMs: 60_000,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(inEnglish((error as AppError).title)).toBe('pg_dump failed');
    expect(inEnglish((error as AppError).detail)).toMatch(
      /^pg_dump exited with code 1: .*database "no_such_database" does not exist/,
    );
    expect(readdirSync(backupDir)).toEqual([]);
  });
});
