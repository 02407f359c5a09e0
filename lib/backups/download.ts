import 'server-only';

import { constants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

import { auditFinish, auditStart } from '../audit';
import { text, type Text } from '../i18n/text';
import { AppError } from '../errors';
import { CHECKSUM_FILE, RECORD_FILE, parseBackupName, type BackupRecord } from './layout';

/**
 * Downloading one file of a backup: the file must be one the backup's own record lists (or its SHA256SUMS), it is
 * opened without following a symbolic link, streamed from disk as the browser reads it (never held in memory), and
 * the download is audited from its start to its last byte.
 */

export interface BackupDownload {
  file: string;
  bytes: number;
  body: ReadableStream<Uint8Array>;
}

const notFound = (detail: Text) => new AppError('not_found', text('backups.errors.noSuchFile.title'), detail);

/** The files of a backup that may be downloaded. */
export function downloadableFiles(record: Pick<BackupRecord, 'files'>): string[] {
  return [...record.files.map((file) => file.file), CHECKSUM_FILE];
}

async function readRecord(backupDir: string, name: string): Promise<BackupRecord> {
  if (parseBackupName(name) === null) throw notFound(text('backups.errors.noSuchFile.notName', { name }));
  try {
    const record = JSON.parse(await readFile(path.join(backupDir, name, RECORD_FILE), 'utf8')) as BackupRecord;
    if (record.name !== name || !Array.isArray(record.files)) throw new Error('not this backup’s record');
    return record;
  } catch {
    throw notFound(text('backups.errors.noSuchFile.noBackup', { name }));
  }
}

/**
 * A web stream over a Node file stream that reads only when the response wants more (`pull`), so a slow download
 * holds one chunk in memory, not the file. `settled` is told once: the whole file was sent, or how far it got.
 */
function pullStream(handle: FileHandle, settled: (sent: number, error?: string) => void): ReadableStream<Uint8Array> {
  const source = handle.createReadStream({ highWaterMark: 256 * 1024 });
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let sent = 0;
  let done = false;
  const finish = (error?: string) => {
    if (done) return;
    done = true;
    settled(sent, error);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) {
            controller.close();
            finish();
            return;
          }
          sent += next.value.length;
          controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.length));
        } catch (error) {
          controller.error(error);
          source.destroy();
          finish(`reading the file failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
      },
      cancel() {
        source.destroy();
        finish('the browser stopped the download');
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Opens one file of one backup for download and writes the audit record's start (fail closed: no record, no
 * download). The record is finished when the stream ends: succeeded with the byte count, or failed with how far it got.
 */
export async function openBackupDownload(
  backupDir: string,
  input: { backup: string; file: string },
  actor: { username: string; sessionRef: string },
): Promise<BackupDownload> {
  const record = await readRecord(backupDir, input.backup);
  if (!downloadableFiles(record).includes(input.file)) {
    throw notFound(text('backups.errors.noSuchFile.notListed', { file: input.file, backup: input.backup }));
  }
  const target = path.join(backupDir, input.backup, input.file);
  let handle;
  try {
    handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw notFound(
      text('backups.errors.noSuchFile.cannotOpen', {
        file: input.file,
        backup: input.backup,
        code: (error as NodeJS.ErrnoException).code ?? '',
      }),
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw notFound(text('backups.errors.noSuchFile.notAFile', { file: input.file, backup: input.backup }));
    const startedAt = Date.now();
    const auditId = auditStart({
      actor: actor.username,
      session: actor.sessionRef,
      action: 'backup.downloaded',
      target: `${input.backup}/${input.file}`,
      params: { bytes: info.size },
    });
    const body = pullStream(handle, (sent, error) => {
      auditFinish(auditId, {
        outcome: error ? 'failed' : 'succeeded',
        ...(error ? { error: `${error} after ${sent} of ${info.size} bytes` } : {}),
        durationMs: Date.now() - startedAt,
      });
    });
    return { file: input.file, bytes: info.size, body };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
