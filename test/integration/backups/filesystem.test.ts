import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backupName } from '@/lib/backups/layout';
import { checkBackupIntegrity, listBackups } from '@/lib/backups/store';
import { PartialBackup } from '@/lib/backups/writer';
import { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

/**
 * The backup writer on real file systems that fail as disks do: a 2 MiB tmpfs that fills up, and a read-only
 * mount. Mounting needs root, which the test command has.
 */
let root: string;
const mounts: string[] = [];

function mountTmpfs(name: string, options: string): string {
  const target = path.join(root, name);
  mkdirSync(target);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'mastodash-test', target]);
  mounts.push(target);
  return target;
}

function megabytes(count: number): Readable {
  const chunk = Buffer.alloc(256 * 1024, 7);
  return Readable.from(
    (function* () {
      for (let i = 0; i < count * 4; i += 1) yield chunk;
    })(),
  );
}

const RECORD = {
  format: 1 as const,
  trigger: 'manual' as const,
  startedAt: '2026-12-03T03:30:00.000Z',
  finishedAt: '2026-12-03T03:30:01.000Z',
  durationMs: 1000,
  mastodonVersion: '4.3.17',
  verification: { state: 'verified' as const },
};

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'mastodash-backup-fs-'));
});

afterAll(() => {
  for (const target of mounts.reverse()) execFileSync('umount', [target]);
  rmSync(root, { recursive: true, force: true });
});

describe('a backup on a disk that fills up', () => {
  it('fails with "The disk is full", removes its partial, and leaves the older backup whole', async () => {
    const disk = mountTmpfs('small', 'size=2m,mode=0700');
    const older = await PartialBackup.open(disk, backupName(new Date(RECORD.startedAt), '4.3.17'));
    await older.addPart('database', megabytes(1));
    await older.commit(RECORD);

    const partial = await PartialBackup.open(disk, backupName(new Date('2026-12-04T03:30:00Z'), '4.3.17'));
    const error = await partial.addPart('database', megabytes(4)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('disk_full');
    expect(inEnglish((error as AppError).detail)).toContain('no space left on the device');
    expect(renderText(translatorFor('de'), (error as AppError).title)).toBe('Die Platte ist voll');
    await partial.abort();

    expect(readdirSync(disk)).toEqual([older.name]);
    const listed = await listBackups(disk);
    expect(listed.map((backup) => backup.name)).toEqual([older.name]);
    await checkBackupIntegrity(disk, older.name);
  });
});

describe('a BACKUP_DIR that cannot be written', () => {
  it('says so, with the fix, and creates nothing', async () => {
    const readOnly = mountTmpfs('readonly', 'size=1m,ro');
    const error = await PartialBackup.open(readOnly, 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_writable');
    expect(inEnglish((error as AppError).detail)).toBe(`Writing ${readOnly} failed (EROFS).`);
    expect(inEnglish((error as AppError).fix!)).toContain('Make BACKUP_DIR writable by the dashboard');
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('says so when BACKUP_DIR does not exist and cannot be made', async () => {
    const readOnly = mountTmpfs('readonly-parent', 'size=1m,ro');
    const wanted = path.join(readOnly, 'mastodash', 'backups');
    const error = await PartialBackup.open(wanted, 'x').catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('not_writable');
    expect(inEnglish((error as AppError).detail)).toBe(`Writing ${wanted} failed (EACCES).`);
    expect(renderText(translatorFor('de'), (error as AppError).detail)).toBe(
      `Schreiben von ${wanted} fehlgeschlagen (EACCES).`,
    );
  });
});
