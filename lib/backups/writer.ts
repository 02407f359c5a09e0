import 'server-only';

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { text } from '../i18n/text';
import { AppError } from '../errors';
import {
  BACKUP_FILES,
  CHECKSUM_FILE,
  PARTIAL_PREFIX,
  RECORD_FILE,
  type BackupFileRecord,
  type BackupPart,
  type BackupRecord,
} from './layout';

/** Backups hold .env.production's secrets: only the dashboard's user may read them. */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * A file-system failure while writing a backup, named for the admin. Anything unexpected passes through.
 * `creating` marks the mkdir -p of BACKUP_DIR, which answers ENOENT when a parent cannot be made (on a read-only
 * mount, for one): that is a folder that cannot be written, not a missing file.
 */
export function backupWriteError(error: unknown, where: string, options: { creating?: boolean } = {}): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' && options.creating) {
    return backupWriteError(Object.assign(new Error(), { code: 'EACCES' }), where);
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(
      'disk_full',
      text('backups.errors.diskFull.title'),
      text('backups.errors.diskFull.detail', { where }),
      text('backups.errors.diskFull.fix'),
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new AppError(
      'not_writable',
      text('backups.errors.notWritable.title'),
      text('backups.errors.notWritable.detail', { where, code }),
      text('backups.errors.notWritable.fix'),
    );
  }
  return error;
}

async function syncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Whether a backup could be written into `backupDir` now: the folder made if missing, and a file created, fsynced
 * and removed in it. The schedule asks before each run, so that a folder that went read-only stops it with the
 * reason instead of failing every night.
 */
export async function probeBackupDir(backupDir: string): Promise<void> {
  try {
    await mkdir(backupDir, { recursive: true, mode: PRIVATE_DIR });
  } catch (error) {
    throw backupWriteError(error, backupDir, { creating: true });
  }
  const probe = path.join(backupDir, `.probe-${process.pid}`);
  try {
    await writeFile(probe, '', { mode: PRIVATE_FILE, flush: true });
  } catch (error) {
    throw backupWriteError(error, backupDir);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/**
 * One backup being written: files go into BACKUP_DIR/.partial-<name>, each fsynced with its sha256 taken on the
 * way; `commit` writes SHA256SUMS and backup.json, then renames the directory into place and fsyncs BACKUP_DIR.
 * `abort` removes the partial directory and nothing else.
 */
export class PartialBackup {
  private readonly files: BackupFileRecord[] = [];

  private constructor(
    readonly backupDir: string,
    readonly name: string,
    readonly partialPath: string,
  ) {}

  static async open(backupDir: string, name: string): Promise<PartialBackup> {
    const partialPath = path.join(backupDir, `${PARTIAL_PREFIX}${name}`);
    try {
      await mkdir(backupDir, { recursive: true, mode: PRIVATE_DIR });
    } catch (error) {
      throw backupWriteError(error, backupDir, { creating: true });
    }
    try {
      await mkdir(partialPath, { mode: PRIVATE_DIR });
    } catch (error) {
      throw backupWriteError(error, backupDir);
    }
    return new PartialBackup(backupDir, name, partialPath);
  }

  /** Streams one part into its file. Returns its size and sha256. */
  async addPart(part: BackupPart, source: Readable): Promise<BackupFileRecord> {
    const file = BACKUP_FILES[part];
    const target = path.join(this.partialPath, file);
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      // flush: fsync before close, so a committed backup survives a power cut.
      await pipeline(source, tap, createWriteStream(target, { flags: 'wx', mode: PRIVATE_FILE, flush: true }));
    } catch (error) {
      throw backupWriteError(error, file);
    }
    const record: BackupFileRecord = { part, file, bytes, sha256: hash.digest('hex') };
    this.files.push(record);
    return record;
  }

  get parts(): readonly BackupFileRecord[] {
    return this.files;
  }

  async commit(record: Omit<BackupRecord, 'files' | 'name'>): Promise<BackupRecord> {
    const complete: BackupRecord = { ...record, name: this.name, files: [...this.files] };
    const sums = this.files.map((file) => `${file.sha256}  ${file.file}\n`).join('');
    try {
      await writeFile(path.join(this.partialPath, CHECKSUM_FILE), sums, { mode: PRIVATE_FILE, flush: true });
      await writeFile(path.join(this.partialPath, RECORD_FILE), `${JSON.stringify(complete, null, 2)}\n`, {
        mode: PRIVATE_FILE,
        flush: true,
      });
      await syncPath(this.partialPath);
      await rename(this.partialPath, path.join(this.backupDir, this.name));
      await syncPath(this.backupDir);
    } catch (error) {
      throw backupWriteError(error, this.name);
    }
    return complete;
  }

  async abort(): Promise<void> {
    await rm(this.partialPath, { recursive: true, force: true });
  }
}
