import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BackupRecord } from '@/lib/backups/layout';
import { auditRows, callAction, plantSession } from '../../support/next-build';
import { finishedJob, jobIdOf, readJob } from '../../support/jobs';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { countMastodonRows } from '../../support/postgres';
import { waitFor } from '../../support/wait';
import { inEnglish } from '@/lib/i18n/english';
import type { ErrorText } from '@/lib/errors';

/**
 * "Back up now" as the admin uses it: the production build, a project whose db service is a real Postgres 15
 * (project.sh up --db real), the server action called as React calls it. What is asserted is on disk and in the
 * database: the backups in BACKUP_DIR, a restore of the dump by hand, the audit rows.
 */
const run = promisify(execFile);
const PROJECT = `mdbj${Date.now().toString(36).slice(-4)}`;
const PROJECT_DIR = `/var/lib/mastodash-testbed/projects/${PROJECT}`;
const PASSWORD_ENV = { DASHBOARD_PASSWORD: 'backup-job-password-long' };

let root: string;
let backupDir: string;
let dbPort: number;
let server: RunningServer;

function client(database: string): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres', database });
}

function counts(database: string): Promise<Record<string, number>> {
  return countMastodonRows({ host: '127.0.0.1', port: dbPort, user: 'postgres', database });
}

/** What BACKUP_DIR holds, partial directories included (a missing folder holds nothing). */
function backupDirEntries(): string[] {
  return existsSync(backupDir) ? readdirSync(backupDir).sort() : [];
}

function backupsOnDisk(): string[] {
  return backupDirEntries().filter((entry) => !entry.startsWith('.'));
}

function record(name: string): BackupRecord {
  return JSON.parse(readFileSync(path.join(backupDir, name, 'backup.json'), 'utf8')) as BackupRecord;
}

function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...PASSWORD_ENV,
    COMPOSE_PROJECT: PROJECT,
    MASTODON_DIR: PROJECT_DIR,
    BACKUP_DIR: backupDir,
    BACKUP_KEEP: '2',
    BACKUP_SCHEDULE: 'off',
    ...extra,
  };
}

async function backUpNow(): Promise<string> {
  const { cookie } = plantSession(server.dataDir);
  const answer = await callAction(server.port, 'backUpNowAction', [{}], { cookie });
  expect(answer.status).toBe(200);
  return answer.body;
}

beforeAll(async () => {
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--db', 'real'], { timeout: 240_000 });
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', PROJECT, '120'], { timeout: 240_000 });
  dbPort = Number(/^DB_PORT=(\d+)$/m.exec(readFileSync(path.join(PROJECT_DIR, '.env.production'), 'utf8'))![1]);
  root = mkdtempSync(path.join(tmpdir(), 'mastodash-backup-job-'));
  backupDir = path.join(root, 'backups');
  server = await startServer(serverEnv());
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(PROJECT_DIR, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('"Back up now"', () => {
  it('twice at once gives one backup, verified, whose dump restores by hand to the live counts', async () => {
    const live = await counts('mastodon_production');
    expect(live.statuses).toBeGreaterThan(0);
    const [first, second] = await Promise.all([backUpNow(), backUpNow()]);
    const answers = [first, second];
    const started = answers.filter((body) => /"jobId":"/.test(body));
    const refused = answers.filter((body) => body.includes('Already running'));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);

    const job = await finishedJob(server.dataDir, jobIdOf(started[0]!), 120_000);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const names = backupsOnDisk();
    expect(names).toHaveLength(1);
    const backup = record(names[0]!);
    expect(backup.trigger).toBe('manual');
    expect(backup.verification.state).toBe('verified');
    expect(backup.files.map((file) => file.part).sort()).toEqual(['compose', 'database', 'env']);
    const auditRecords = auditRows(server.dataDir).filter((row) => row.action === 'backup.created');
    expect(auditRecords.map((row) => row.outcome)).toEqual(['succeeded']);

    // The proof an admin would make: the dump restored into a fresh database holds the seed's rows.
    const fresh = `restore_check_${Date.now()}`;
    const admin = client('postgres');
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${fresh}`);
      await run('pg_restore', [
        '--no-owner',
        `--host=127.0.0.1`,
        `--port=${dbPort}`,
        '--username=postgres',
        `--dbname=${fresh}`,
        path.join(backupDir, names[0]!, 'mastodon.dump'),
      ]);
      expect(await counts(fresh)).toEqual(live);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`);
      await admin.end();
    }
    // Verification dropped its scratch database.
    const scratch = client('postgres');
    await scratch.connect();
    try {
      const { rows } = await scratch.query("SELECT datname FROM pg_database WHERE datname LIKE 'mastodash_verify_%'");
      expect(rows).toEqual([]);
    } finally {
      await scratch.end();
    }
  }, 180_000);

  it('keeps exactly BACKUP_KEEP (2): a third backup removes the oldest', async () => {
    const before = backupsOnDisk();
    expect(before).toHaveLength(1);
    for (let i = 0; i < 2; i += 1) {
      // Backups are named by the second they start in.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const job = await finishedJob(server.dataDir, jobIdOf(await backUpNow()), 120_000);
      expect(job.status).toBe('succeeded');
    }
    const after = backupsOnDisk();
    expect(after).toHaveLength(2);
    expect(after).not.toContain(before[0]);
    expect(after.every((name) => record(name).verification.state === 'verified')).toBe(true);
  }, 240_000);
});

describe('kill -9 of the dashboard in the middle of pg_dump', () => {
  it('leaves nothing listed as a backup, removes the partial at the next start, and audits "interrupted"', async () => {
    const before = backupsOnDisk();
    // pg_dump waits for a lock on every table it dumps; holding one on `settings` (which the counts before the
    // dump do not read) keeps the dump running for as long as this test needs.
    const locker = client('mastodon_production');
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE settings IN ACCESS EXCLUSIVE MODE');
    const observer = client('postgres');
    await observer.connect();
    try {
      const jobId = jobIdOf(await backUpNow());
      // Asked from a connection of its own: inside the locking transaction, pg_stat_activity is a snapshot.
      await waitFor(
        'pg_dump waiting on the lock',
        async () => {
          const { rows } = await observer.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'pg_dump' AND wait_event_type = 'Lock'",
          );
          return Number(rows[0]!.n) > 0 ? true : undefined;
        },
        60_000,
        50,
      ).catch(async (error: unknown) => {
        const { rows } = await observer.query(
          'SELECT application_name, state, wait_event_type, query FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
        );
        throw new Error(
          `${String(error)}; job: ${JSON.stringify(readJob(server.dataDir, jobId))}; sessions: ${JSON.stringify(rows)}`,
        );
      });
      expect(backupDirEntries().filter((entry) => entry.startsWith('.partial-'))).toHaveLength(1);
      await server.stop('SIGKILL');
      expect(
        auditRows(server.dataDir)
          .filter((row) => row.action === 'backup.created')
          .at(-1)?.outcome,
      ).toBe('started');
      expect(jobId).not.toBe('');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await observer.end();
    }
    server = await startServer(serverEnv(), server.dataDir);
    await waitFor(
      'the partial removed',
      () => (backupDirEntries().some((entry) => entry.startsWith('.partial-')) ? undefined : true),
      15_000,
    );
    expect(backupsOnDisk()).toEqual(before);
    const restarted = server;
    await waitFor('the start-up note', () =>
      /removed 1 backup\(s\) cut short/.test(restarted.output()) ? true : undefined,
    );
    const last = auditRows(server.dataDir)
      .filter((row) => row.action === 'backup.created')
      .at(-1);
    expect(last?.outcome).toBe('interrupted');
  }, 180_000);
});

describe('a BACKUP_DIR that cannot be written', () => {
  let readOnly: string;
  let readOnlyServer: RunningServer | undefined;

  beforeAll(async () => {
    readOnly = path.join(root, 'read-only');
    mkdirSync(readOnly);
    await run('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]);
  });

  afterAll(async () => {
    await readOnlyServer?.stop();
    await run('umount', [readOnly]).catch(() => undefined);
  });

  it('stops the schedule with the reason, keeps the dashboard running, and "Back up now" says why', async () => {
    readOnlyServer = await startServer(serverEnv({ BACKUP_DIR: readOnly, BACKUP_SCHEDULE: '03:30' }));
    const running = readOnlyServer;
    await waitFor(
      'the schedule to stop',
      () => (/the schedule stopped: The backup folder cannot be written/.test(running.output()) ? true : undefined),
      15_000,
    );
    const { cookie } = plantSession(running.dataDir);
    const page = await rawRequest(running.port, { path: '/backups', headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="backup-schedule-stopped"');
    expect(page.body).toContain('The backup folder cannot be written');
    const answer = await callAction(running.port, 'backUpNowAction', [{}], { cookie });
    expect(answer.status).toBe(200);
    const job = await finishedJob(running.dataDir, jobIdOf(answer.body), 60_000);
    expect(job.status).toBe('failed');
    expect(inEnglish((JSON.parse(job.error ?? '{}') as { title: ErrorText }).title)).toContain(
      'The backup folder cannot be written',
    );
    expect(readdirSync(readOnly)).toEqual([]);
    expect(running.process.exitCode).toBeNull();
  }, 120_000);
});
