import { execFile, execFileSync } from 'node:child_process';
import type { ErrorText } from '@/lib/errors';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hostTools } from '@/lib/backups/host-tools';
import { runBackup } from '@/lib/backups/job';
import { BACKUP_FILES } from '@/lib/backups/layout';
import { redisDumpFromContainer } from '@/lib/backups/redis-dump';
import { checkBackupIntegrity, listBackups } from '@/lib/backups/store';
import { takeBackup } from '@/lib/backups/take';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { connectToDatabase } from '@/lib/postgres/client';
import { connectedRedis, resetRedisForTesting } from '@/lib/redis/client';
import { createSocketProxy } from '@/lib/socket-proxy/server';
import { countMastodonRows, withPostgres } from '@/test/support/postgres';
import { readTestbed } from '@/test/support/testbed';

/**
 * A backup of a deployment whose Postgres is not a compose service: the project's db container is removed, and
 * .env.production's database is one of the test bed's host Postgres (PostgreSQL 15), reached with a role that has a
 * password. pg_dump and pg_restore then run from the dashboard's side, the host's Debian postgresql-client-15.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const SUFFIX = Date.now().toString(36).slice(-5);
const PROJECT = `externalpg-a${SUFFIX}`;
const ROLE = `externalpg_${SUFFIX}`;
const DATABASE = `externalpg_${SUFFIX}`;
// Characters a URL or a shell would trip over: the password goes to pg_dump in its environment only.
const PASSWORD = `pw:${SUFFIX}/@ 'x"`;
const SQL = path.resolve('scripts/testbed/sql');
const SUPERUSER = { host: '/run/mastodash-testbed', port: 55432, user: 'postgres' };
const dockerEnv = { ...process.env, DOCKER_HOST: testbed.dockerHost };

let dir: string;
let backupDir: string;
let proxy: Server;
let proxySocket: string;

function asSuperuser<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPostgres({ ...SUPERUSER, database }, work);
}

function counts(database: string): Promise<Record<string, number>> {
  return countMastodonRows({ ...SUPERUSER, database });
}

async function databasesLike(pattern: string): Promise<string[]> {
  return asSuperuser('postgres', async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1',
      [pattern],
    );
    return rows.map((row) => row.datname);
  });
}

/**
 * The dashboard's configuration: the project's .env.production, its database and role overridden by the env, Docker
 * reached through the real socket proxy.
 */
function configure(extra: Record<string, string> = {}): void {
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: `unix://${proxySocket}`,
        COMPOSE_PROJECT: PROJECT,
        MASTODON_DIR: `/var/lib/mastodash-testbed/projects/${PROJECT}`,
        DB_HOST: '127.0.0.1',
        DB_PORT: '55432',
        DB_USER: ROLE,
        DB_PASS: PASSWORD,
        DB_NAME: DATABASE,
        DATA_DIR: dir,
        BACKUP_DIR: backupDir,
        ...extra,
      },
    }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mastodash-externalpg-'));
  backupDir = path.join(dir, 'backups');
  await asSuperuser('postgres', async (client) => {
    await client.query(`CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
    await client.query(`CREATE DATABASE ${DATABASE} OWNER ${ROLE} ENCODING 'UTF8' TEMPLATE template0`);
  });
  // Seeded as scripts/testbed/seed/postgres.sh seeds the shared databases, the objects owned by the role.
  const migrations = readFileSync(path.join(SQL, 'migration-files.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, -1)
    .map((file) => file.split('_')[0])
    .join(',');
  const script = [
    `SET ROLE ${ROLE};`,
    ...['schema.sql', 'settings-44.sql', 'seed.sql', 'seed-settings-44.sql'].map((file) =>
      readFileSync(path.join(SQL, file), 'utf8'),
    ),
  ].join('\n');
  execFileSync(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', SUPERUSER.host, '-p', String(SUPERUSER.port), '-U', 'postgres'].concat([
      '-d',
      DATABASE,
      '-v',
      'local_domain=externalpg.example',
      '-v',
      'shape=44',
      '-v',
      `migrations=${migrations}`,
    ]),
    { input: script, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--version', '4.3.17', '--database', DATABASE], {
    timeout: 240_000,
  });
  proxySocket = path.join(dir, 'docker.sock');
  proxy = createSocketProxy({ upstreamSocket: testbed.dockerHost.replace(/^unix:\/\//, ''), project: PROJECT });
  await new Promise<void>((resolve) => proxy.listen(proxySocket, resolve));
  configure();
}, 300_000);

afterAll(async () => {
  setConfigForTesting(undefined);
  await resetRedisForTesting();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(`/var/lib/mastodash-testbed/projects/${PROJECT}`, { recursive: true, force: true });
  await asSuperuser('postgres', async (client) => {
    for (const database of await databasesLike(`${DATABASE}%`)) {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
    await client.query(`DROP ROLE IF EXISTS ${ROLE}`);
  });
  rmSync(dir, { recursive: true, force: true });
});

describe('a backup where the compose project has no db service', () => {
  it('refuses while the db service exists but is stopped', async () => {
    await run('docker', ['stop', '-t', '1', `${PROJECT}-db-1`], { env: dockerEnv });
    const error = await runBackup('manual', () => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(inEnglish((error as AppError).title)).toBe('The db service is not running');
    expect(renderText(translatorFor('de'), (error as AppError).title)).toBe('Der db-Dienst läuft nicht');
    expect(readdirSync(dir)).toEqual(['docker.sock']);
  });

  it('runs pg_dump and pg_restore from the dashboard’s side, verifies, and the dump restores to the same rows', async () => {
    await run('docker', ['rm', '-f', `${PROJECT}-db-1`], { env: dockerEnv });
    const seeded = await counts(DATABASE);
    expect(seeded.statuses).toBeGreaterThan(100);
    const steps: { step: ErrorText; detail?: ErrorText }[] = [];

    const result = await runBackup('manual', (update) => void steps.push(update));

    expect(result.verification).toBe('verified');
    expect(result.verificationDetail).toMatch(
      new RegExp(
        `^Restored into mastodash_verify_\\d{8}t\\d{6}: ${seeded.accounts} accounts, ${seeded.users} users, ` +
          `${seeded.statuses} statuses, ${seeded.media_attachments} media_attachments\\.$`,
      ),
    );
    expect(result.name).toMatch(/_v4\.3\.17$/);
    expect(
      steps.map((entry) => ({ step: inEnglish(entry.step), detail: entry.detail && inEnglish(entry.detail) })),
    ).toContainEqual({
      step: 'Dumping the database',
      detail: `pg_dump of ${DATABASE} from the dashboard, against 127.0.0.1:55432`,
    });
    expect(steps.map((entry) => renderText(translatorFor('de'), entry.step))).toContain('Datenbank wird gesichert');
    expect(JSON.stringify(steps)).not.toContain(PASSWORD);
    expect(await databasesLike('mastodash_verify_%')).toEqual([]);

    const [listed] = await listBackups(backupDir);
    expect(listed?.record?.files.map((file) => file.file)).toEqual([
      BACKUP_FILES.database,
      BACKUP_FILES.env,
      BACKUP_FILES.compose,
    ]);
    expect(listed?.record?.verification.state).toBe('verified');

    // The file itself restores, with the host's pg_restore, into a fresh database of the same server.
    const restoredDb = `${DATABASE}_restored`;
    await asSuperuser('postgres', (client) => client.query(`CREATE DATABASE ${restoredDb} TEMPLATE template0`));
    execFileSync('pg_restore', [
      '--no-owner',
      '--exit-on-error',
      '-h',
      SUPERUSER.host,
      '-p',
      String(SUPERUSER.port),
      '-U',
      'postgres',
      `--dbname=${restoredDb}`,
      path.join(backupDir, result.name, BACKUP_FILES.database),
    ]);
    expect(await counts(restoredDb)).toEqual(seeded);
  });

  it('refuses a pg_dump of another major version before writing anything, naming both', async () => {
    const target = loadConfig({
      env: { DB_HOST: '127.0.0.1', DB_PORT: '55432', DB_USER: ROLE, DB_PASS: PASSWORD, DB_NAME: DATABASE },
    }).mastodon.postgres;
    const elsewhere = path.join(dir, 'mismatch');
    for (const client of ['pg_dump (PostgreSQL) 14.11', 'pg_dump (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)']) {
      const tools = hostTools(target, { connect: connectToDatabase, clientVersion: async () => client });
      const error = await takeBackup({ tools, dbUser: ROLE, dbName: DATABASE, mastodonVersion: '4.3.17' }, elsewhere, {
        trigger: 'manual',
        progress: () => undefined,
        timeoutMs: 60_000,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('conflict');
      // The server's major is read from the real server (SHOW server_version_num).
      expect(inEnglish((error as AppError).detail)).toMatch(
        /^The dashboard's pg_dump is PostgreSQL 1[47], the database server is PostgreSQL 15\. /,
      );
      expect(inEnglish((error as AppError).fix!)).toContain('postgresql-client-15');
    }
    expect(() => readdirSync(elsewhere)).toThrow(/ENOENT/);
  });

  it('fails with pg_dump’s own words when the password is wrong, and leaves no partial directory', async () => {
    const target = loadConfig({
      env: { DB_HOST: '127.0.0.1', DB_PORT: '55432', DB_USER: ROLE, DB_PASS: 'not-the-password', DB_NAME: DATABASE },
    }).mastodon.postgres;
    const failing = path.join(dir, 'failing');
    const tools = hostTools(target, { connect: connectToDatabase });
    const error = await takeBackup(
      // The version check's connection is the dashboard's own (the right password); pg_dump's is the wrong one.
      { tools, dbUser: ROLE, dbName: DATABASE, mastodonVersion: null },
      failing,
      { trigger: 'manual', progress: () => undefined, timeoutMs: 60_000 },
    ).catch((caught: unknown) => caught);
    expect(inEnglish((error as AppError).title)).toBe('pg_dump failed');
    expect(inEnglish((error as AppError).detail)).toMatch(/password authentication failed for user "externalpg_/);
    expect(readdirSync(failing)).toEqual([]);
  });
});

/**
 * The test bed's redis service is a stand-in that runs no Redis (scripts/testbed/images/standins/redis-server), and
 * .env.production points Mastodon, so the dashboard too, at the test bed's real Redis 7 on the host. So: BGSAVE is
 * real, on that Redis, and so is the copy, `cat /data/dump.rdb` through the socket proxy into the backup; between the
 * two, the file that Redis wrote is put where the official image keeps it, in the redis container's /data.
 */
describe('Redis’s dump.rdb in a backup (BACKUP_REDIS=true)', () => {
  const container = `${PROJECT}-redis-1`;
  const hostDump = async () => {
    const client = new Redis(testbed.redisUrl);
    try {
      const [, dir] = (await client.config('GET', 'dir')) as [string, string];
      const [, file] = (await client.config('GET', 'dbfilename')) as [string, string];
      return path.join(dir, file);
    } finally {
      client.disconnect();
    }
  };
  const placeInContainer = async (file: string) => {
    const staging = path.join(dir, 'rdb');
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    copyFileSync(file, path.join(staging, 'dump.rdb'));
    await run('docker', ['cp', `${staging}/.`, `${container}:/data`], { env: dockerEnv });
  };
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('BGSAVEs through the dashboard’s Redis, waits until LASTSAVE moves, and streams dump.rdb into the backup', async () => {
    configure({ BACKUP_REDIS: 'true' });
    const observer = new Redis(testbed.redisUrl);
    const before = await observer.lastsave();
    const { stdout } = await run('docker', ['inspect', '-f', '{{.Id}}', container], { env: dockerEnv });
    const real = redisDumpFromContainer(stdout.trim(), () => connectedRedis('main'));
    const file = await hostDump();
    const steps: string[] = [];
    const record = await takeBackup(
      {
        tools: hostTools(
          loadConfig({
            env: { DB_HOST: '127.0.0.1', DB_PORT: '55432', DB_USER: ROLE, DB_PASS: PASSWORD, DB_NAME: DATABASE },
          }).mastodon.postgres,
          { connect: connectToDatabase },
        ),
        dbUser: ROLE,
        dbName: DATABASE,
        mastodonVersion: '4.3.17',
        redis: {
          where: real.where,
          snapshot: async (timeoutMs) => {
            await real.snapshot(timeoutMs);
            await placeInContainer(file);
          },
          copy: real.copy,
        },
      },
      path.join(dir, 'with-redis'),
      { trigger: 'manual', progress: (update) => void steps.push(inEnglish(update.step)), timeoutMs: 60_000 },
    );
    const after = await observer.lastsave();
    observer.disconnect();
    expect(after).toBeGreaterThan(before);
    expect(steps).toEqual(expect.arrayContaining(['Saving Redis', 'Redis saved']));
    const part = record.files.find((entry) => entry.part === 'redis');
    expect(part?.file).toBe('dump.rdb');
    const copied = path.join(dir, 'with-redis', record.name, 'dump.rdb');
    expect(readFileSync(copied).subarray(0, 5).toString('latin1')).toBe('REDIS');
    expect(sha256(copied)).toBe(sha256(file));
    await checkBackupIntegrity(path.join(dir, 'with-redis'), record.name);
  });

  it('takes it through the job as configured, and fails clearly while the redis service is stopped', async () => {
    configure({ BACKUP_REDIS: 'true', BACKUP_DIR: path.join(dir, 'job-redis') });
    const result = await runBackup('manual', () => undefined);
    expect(result.verification).toBe('verified');
    const [listed] = await listBackups(path.join(dir, 'job-redis'));
    expect(listed?.record?.files.map((entry) => entry.file)).toEqual([
      'mastodon.dump',
      'env.production',
      'docker-compose.yml',
      'dump.rdb',
    ]);

    await run('docker', ['stop', '-t', '1', container], { env: dockerEnv });
    const error = await runBackup('manual', () => undefined).catch((caught: unknown) => caught);
    expect(inEnglish((error as AppError).title)).toBe('There is no running redis service');
    expect(inEnglish((error as AppError).fix!)).toBe('Start the redis service, or set BACKUP_REDIS=false.');
    expect(renderText(translatorFor('de'), (error as AppError).fix!)).toBe(
      'Starte den redis-Dienst oder setze BACKUP_REDIS=false.',
    );
  });
});
