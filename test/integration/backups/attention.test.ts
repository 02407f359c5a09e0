import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AlertWatcher } from '@/lib/alerts/watcher';
import type { AlertMessage } from '@/lib/alerts/messages';
import { DETECTORS } from '@/lib/attention/registry';
import { runDetector, runDetectors } from '@/lib/attention/run';
import { auditFinish, auditStart } from '@/lib/audit';
import { backupDiskPlacement, formatDevice } from '@/lib/backups/health';
import { backupName, type VerificationState } from '@/lib/backups/layout';
import { PartialBackup } from '@/lib/backups/writer';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { setStoreForTesting } from '@/lib/store';
import { readTestbed } from '@/test/support/testbed';
import { inEnglish } from '@/lib/i18n/english';
import { english } from '../../support/rendered-texts';

/**
 * The backup detectors as the registry runs them, against a real BACKUP_DIR written by the backup writer, the real
 * audit store, and the db container of a project with a real Postgres (its data bind-mounted from the test bed's
 * disk); and the alert watcher taking them up from the registry with no change of its own.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const PROJECT = `backupspage-i${Date.now().toString(36).slice(-3)}`;
const HOUR = 3_600_000;

let root: string;
let tmpfs: string | undefined;
let configs = 0;

const detector = (id: string) => {
  const found = DETECTORS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no detector ${id}`);
  return found;
};

/** A configuration with its own DATA_DIR, so each case starts with an audit log of its own. */
function useConfig(backupDir: string): void {
  setStoreForTesting(undefined);
  setConfigForTesting(
    loadConfig({
      env: {
        DATA_DIR: path.join(root, `data-${(configs += 1)}`),
        BACKUP_DIR: backupDir,
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: PROJECT,
      },
    }),
  );
}

async function writeBackup(backupDir: string, hoursAgo: number, state: VerificationState): Promise<string> {
  const startedAt = new Date(Date.now() - hoursAgo * HOUR);
  const partial = await PartialBackup.open(backupDir, backupName(startedAt, '4.3.17'));
  await partial.addPart('database', Readable.from([Buffer.from('PGDMP test bytes')]));
  await partial.commit({
    format: 1,
    trigger: 'schedule',
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    durationMs: 1000,
    mastodonVersion: '4.3.17',
    verification: { state },
  });
  return partial.name;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'mastodash-backup-attention-'));
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--version', '4.3.17', '--db', 'real'], {
    timeout: 240_000,
  });
}, 300_000);

afterAll(async () => {
  setConfigForTesting(undefined);
  setStoreForTesting(undefined);
  if (tmpfs) execFileSync('umount', [tmpfs]);
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(`/var/lib/mastodash-testbed/projects/${PROJECT}`, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

describe('the backups detector on a real BACKUP_DIR', () => {
  it('warns when the last verified backup is 27 h old, and is clear once a fresh one is verified', async () => {
    const backupDir = path.join(root, 'stale');
    useConfig(backupDir);
    await writeBackup(backupDir, 27, 'verified');
    await writeBackup(backupDir, 3, 'not_verified');
    const stale = english(await runDetector(detector('backups')));
    expect(stale.map((finding) => [finding.key, finding.severity, finding.title])).toEqual([
      ['backup.no-recent-verified', 'warning', 'No verified backup for 27 h'],
    ]);
    expect(stale[0]?.fix).toEqual({ kind: 'link', href: '/backups', label: 'Backups' });

    await writeBackup(backupDir, 0, 'verified');
    expect(await runDetector(detector('backups'))).toEqual([]);
  });

  it('reports a run the audit log recorded as failed after the newest backup, with its reason', async () => {
    const backupDir = path.join(root, 'failing');
    useConfig(backupDir);
    await writeBackup(backupDir, 2, 'verified');
    const id = auditStart({
      actor: 'admin',
      action: 'backup.created',
      target: 'database',
      params: { trigger: 'manual' },
    });
    auditFinish(id, { outcome: 'failed', error: 'The disk is full: Writing mastodon.dump failed', durationMs: 10 });
    const found = english(await runDetector(detector('backups')));
    expect(found.map((finding) => [finding.key, finding.title])).toEqual([
      ['backup.last-failed', 'The last backup failed'],
    ]);
    expect(found[0]?.evidence).toMatch(/^Started 0 h ago: The disk is full: Writing mastodon\.dump failed$/);
  });

  it('says "Cannot check the backups" when BACKUP_DIR cannot be read', async () => {
    // The tests run as root, who reads any folder; a file where the folder should be fails for everyone.
    const backupDir = path.join(root, 'not-a-folder');
    writeFileSync(backupDir, 'not a folder\n');
    useConfig(backupDir);
    const found = english(await runDetector(detector('backups')));
    expect(found.map((finding) => [finding.key, finding.title])).toEqual([
      ['backups.unchecked', 'Cannot check the backups'],
    ]);
    expect(found[0]?.evidence).toBe(`BACKUP_DIR cannot be read: ${backupDir}: ENOTDIR.`);
  });
});

describe('the backup-disk detector against the db container of a real Postgres', () => {
  it('finds BACKUP_DIR on the file system of the db’s data (both on the test bed’s disk), with its device', async () => {
    const backupDir = path.join(root, 'same-disk', 'backups');
    useConfig(backupDir);
    const dataPath = `/var/lib/mastodash-testbed/projects/${PROJECT}/postgres15`;
    expect(statSync(root).dev).toBe(statSync(dataPath).dev);
    expect(await backupDiskPlacement()).toEqual({
      state: 'same',
      backupDir,
      dataPath,
      device: formatDevice(statSync(dataPath).dev),
    });
    const found = english(await runDetector(detector('backup-disk')));
    expect(found.map((finding) => [finding.key, finding.severity])).toEqual([['backup.same-disk', 'info']]);
    expect(found[0]?.evidence).toContain(`(${dataPath})`);
  });

  it('finds nothing when BACKUP_DIR is on another file system (a tmpfs)', async () => {
    tmpfs = path.join(root, 'other-disk');
    mkdirSync(tmpfs);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'mastodash-test', tmpfs]);
    useConfig(path.join(tmpfs, 'backups'));
    expect(await backupDiskPlacement()).toEqual({ state: 'different' });
    expect(await runDetector(detector('backup-disk'))).toEqual([]);
  });

  it('answers "not known" for a project without a db service, and finds nothing', async () => {
    setConfigForTesting(
      loadConfig({
        env: {
          DATA_DIR: path.join(root, 'none-data'),
          DOCKER_HOST: testbed.dockerHost,
          COMPOSE_PROJECT: 'backupspage-none',
        },
      }),
    );
    expect(await backupDiskPlacement()).toEqual({ state: 'unknown', why: 'the project has no db service' });
    expect(await runDetector(detector('backup-disk'))).toEqual([]);
  });
});

describe('the alert watcher', () => {
  it('takes up the registered backup detectors: a failed backup opens an alert, an info finding sends none', async () => {
    const backupDir = path.join(root, 'same-disk', 'watched');
    useConfig(backupDir);
    await writeBackup(backupDir, 1, 'failed');
    const sent: AlertMessage[] = [];
    let nowMs = Date.now();
    const watcher = new AlertWatcher({
      detectors: DETECTORS.filter((candidate) => candidate.id.startsWith('backup')),
      check: (detectors) => runDetectors(detectors),
      send: (message) => sent.push(message),
      timing: { afterMs: 60_000, repeatMs: 0 },
      now: () => nowMs,
    });
    await watcher.checkAll();
    expect(sent).toEqual([]);
    nowMs += 61_000;
    await watcher.checkAll();
    expect(
      sent.map((message) =>
        message.kind === 'test' ? message.kind : [message.kind, inEnglish(message.problem.title)],
      ),
    ).toEqual([['opened', 'The last backup failed its verification']]);
  });
});
