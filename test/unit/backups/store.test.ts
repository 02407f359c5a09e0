import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import { AppError } from '@/lib/errors';
import { text } from '@/lib/i18n/text';
import { backupName, parseBackupName, type BackupRecord, type VerificationState } from '@/lib/backups/layout';
import {
  backupsToPrune,
  checkBackupIntegrity,
  listBackups,
  recordVerification,
  removeBackups,
  removePartialBackups,
  type StoredBackup,
} from '@/lib/backups/store';
import { PartialBackup } from '@/lib/backups/writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mastodash-backups-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DUMP = Buffer.from('PGDMP fake custom-format bytes '.repeat(1000));

async function writeBackup(startedAt: Date, version = '4.3.17'): Promise<BackupRecord> {
  const name = backupName(startedAt, version);
  const partial = await PartialBackup.open(dir, name);
  await partial.addPart('database', Readable.from([DUMP.subarray(0, 5000), DUMP.subarray(5000)]));
  await partial.addPart('env', Readable.from(['LOCAL_DOMAIN=social.example\nSECRET_KEY_BASE=abc\n']));
  return partial.commit({
    format: 1,
    trigger: 'manual',
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    durationMs: 1200,
    mastodonVersion: version,
    verification: { state: 'pending' },
  });
}

describe('backup names', () => {
  it('sort by time, carry the version, and read back', () => {
    const name = backupName(new Date('2026-12-04T03:30:07.123Z'), '4.3.17');
    expect(name).toBe('2026-12-04T03-30-07Z_v4.3.17');
    expect(parseBackupName(name)?.startedAt.toISOString()).toBe('2026-12-04T03:30:07.000Z');
    expect(backupName(new Date('2026-12-04T03:30:07Z'), null)).toBe('2026-12-04T03-30-07Z_unknown-version');
    expect(backupName(new Date('2026-12-04T03:30:07Z'), '4.3.17; rm -rf /')).toMatch(/_unknown-version$/);
    expect(parseBackupName('.partial-2026-12-04T03-30-07Z_v4.3.17')).toBeNull();
    expect(parseBackupName('../etc')).toBeNull();
  });
});

describe('writing a backup', () => {
  it('is invisible until committed, then listed with its sizes, checksums and private modes', async () => {
    const name = backupName(new Date('2026-12-04T03:30:00Z'), '4.3.17');
    const partial = await PartialBackup.open(dir, name);
    await partial.addPart('database', Readable.from([DUMP]));
    expect(await listBackups(dir)).toEqual([]);

    await partial.addPart('env', Readable.from(['SECRET_KEY_BASE=abc\n']));
    await partial.commit({
      format: 1,
      trigger: 'schedule',
      startedAt: '2026-12-04T03:30:00.000Z',
      finishedAt: '2026-12-04T03:30:02.000Z',
      durationMs: 2000,
      mastodonVersion: '4.3.17',
      verification: { state: 'pending' },
    });
    const [listed] = await listBackups(dir);
    expect(listed?.record?.files.map((file) => [file.file, file.bytes])).toEqual([
      ['mastodon.dump', DUMP.length],
      ['env.production', 20],
    ]);
    expect(readdirSync(dir)).toEqual([name]);
    expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, name, 'env.production')).mode & 0o777).toBe(0o600);
    // SHA256SUMS is what `sha256sum -c` reads, so an admin can check a copy without the dashboard.
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(dir, name) }).toString()).toBe(
      'mastodon.dump: OK\nenv.production: OK\n',
    );
  });

  it('leaves nothing behind when aborted, and a killed writer leaves only a partial that is removed later', async () => {
    const aborted = await PartialBackup.open(dir, backupName(new Date('2026-12-04T01:00:00Z'), '4.3.17'));
    await aborted.addPart('database', Readable.from([DUMP]));
    await aborted.abort();
    expect(readdirSync(dir)).toEqual([]);

    const killed = await PartialBackup.open(dir, backupName(new Date('2026-12-04T02:00:00Z'), '4.3.17'));
    await killed.addPart('database', Readable.from([DUMP]));
    expect(await listBackups(dir)).toEqual([]);
    expect(await removePartialBackups(dir)).toEqual(['2026-12-04T02-00-00Z_v4.3.17']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails a part whose source fails, naming no internals, and the partial is what abort removes', async () => {
    const partial = await PartialBackup.open(dir, backupName(new Date('2026-12-04T01:00:00Z'), '4.3.17'));
    const failing = new Readable({
      read() {
        this.destroy(new Error('pg_dump: error: connection to server lost'));
      },
    });
    await expect(partial.addPart('database', failing)).rejects.toThrow('connection to server lost');
    await partial.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('integrity', () => {
  it('passes an untouched backup and catches one changed byte', async () => {
    const record = await writeBackup(new Date('2026-12-04T03:30:00Z'));
    await checkBackupIntegrity(dir, record.name);

    const dump = path.join(dir, record.name, 'mastodon.dump');
    const bytes = readFileSync(dump);
    bytes[1234] = bytes[1234]! ^ 0xff;
    writeFileSync(dump, bytes);
    const error = await checkBackupIntegrity(dir, record.name).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('checksum_mismatch');
    expect(inEnglish((error as AppError).detail)).toBe(
      'mastodon.dump does not match its checksum: its bytes changed after the backup was written.',
    );
    expect(renderText(translatorFor('de'), (error as AppError).title)).toBe('Die Sicherung ist beschädigt');
  });

  it('catches a truncated or missing file', async () => {
    const record = await writeBackup(new Date('2026-12-04T03:30:00Z'));
    rmSync(path.join(dir, record.name, 'env.production'));
    await expect(checkBackupIntegrity(dir, record.name)).rejects.toThrow('env.production cannot be read (ENOENT)');
  });
});

describe('retention', () => {
  const stored = (name: string, state: VerificationState): StoredBackup => ({
    name,
    record: { name, verification: { state } } as BackupRecord,
  });

  it('keeps exactly BACKUP_KEEP, newest first', () => {
    const backups = ['d', 'c', 'b', 'a'].map((name) => stored(name, 'verified'));
    expect(backupsToPrune(backups, 2)).toEqual(['b', 'a']);
    expect(backupsToPrune(backups, 4)).toEqual([]);
  });

  it('never prunes the newest verified backup, even when newer ones failed verification', () => {
    const backups = [stored('d', 'failed'), stored('c', 'failed'), stored('b', 'verified'), stored('a', 'verified')];
    expect(backupsToPrune(backups, 2)).toEqual(['a']);
  });

  it('leaves unreadable directories for the admin to see', () => {
    const backups: StoredBackup[] = [
      stored('c', 'verified'),
      { name: 'b', record: null, problem: text('backups.problem.notRecord', { file: 'x' }) },
    ];
    expect(backupsToPrune(backups, 0)).toEqual([]);
  });

  it('removes what it prunes and refuses names that are not backups', async () => {
    const older = await writeBackup(new Date('2026-12-03T03:30:00Z'));
    const newer = await writeBackup(new Date('2026-12-04T03:30:00Z'));
    const listed = await listBackups(dir);
    expect(listed.map((backup) => backup.name)).toEqual([newer.name, older.name]);
    await removeBackups(dir, backupsToPrune(listed, 1));
    expect(readdirSync(dir)).toEqual([newer.name]);
    await expect(removeBackups(dir, ['..'])).rejects.toThrow("refusing to remove ..: not a backup's name");
  });
});

describe('verification record', () => {
  it('replaces backup.json in one step and lists the new state', async () => {
    const record = await writeBackup(new Date('2026-12-04T03:30:00Z'));
    await recordVerification(dir, record.name, { state: 'verified', at: '2026-12-04T03:31:00.000Z' });
    const [listed] = await listBackups(dir);
    expect(listed?.record?.verification).toEqual({ state: 'verified', at: '2026-12-04T03:31:00.000Z' });
    expect(readdirSync(path.join(dir, record.name)).sort()).toEqual([
      'SHA256SUMS',
      'backup.json',
      'env.production',
      'mastodon.dump',
    ]);
  });

  it('lists a backup whose record is damaged with the reason, rather than hiding it', async () => {
    const record = await writeBackup(new Date('2026-12-04T03:30:00Z'));
    writeFileSync(path.join(dir, record.name, 'backup.json'), '{"format":1');
    const [listed] = await listBackups(dir);
    expect(listed).toMatchObject({ name: record.name, record: null });
    expect(listed && 'problem' in listed && inEnglish(listed.problem)).toMatch(/^backup\.json cannot be read/);
    expect(listed && 'problem' in listed && renderText(translatorFor('de'), listed.problem)).toMatch(
      /^backup\.json kann nicht gelesen werden/,
    );
  });
});
