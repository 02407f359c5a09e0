import 'server-only';

import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { PassThrough } from 'node:stream';

import { execStreaming } from '../docker/exec';
import { AppError } from '../errors';
import type { JobProgress } from '../jobs';
import { backupName, type BackupPart, type BackupRecord } from './layout';
import { pgDumpArgv } from './pg-commands';
import { PartialBackup } from './writer';

/** What a backup is taken from: the db container, Mastodon's database role and name, and its two files. */
export interface BackupSource {
  dbContainerId: string;
  dbUser: string;
  dbName: string;
  envFile?: string;
  composeFile?: string;
  mastodonVersion: string | null;
}

export interface TakeOptions {
  trigger: BackupRecord['trigger'];
  progress: JobProgress;
  /** The longest pg_dump may run. */
  timeoutMs: number;
  /** Counts the live rows verification compares with (lib/backups/verify.ts), just before the dump. */
  countLive?: () => Promise<Record<string, number>>;
  now?: () => Date;
}

async function readable(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The last line pg_dump wrote to stderr: its own statement of what went wrong. */
function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1) ?? 'no message'
  );
}

/**
 * Takes one backup into `backupDir`: pg_dump in the db container (its pg_dump always matches its server),
 * streamed into the writer, then .env.production and the compose file. Anything that fails removes the partial
 * directory and leaves every earlier backup as it was.
 */
export async function takeBackup(source: BackupSource, backupDir: string, options: TakeOptions): Promise<BackupRecord> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const partial = await PartialBackup.open(backupDir, backupName(startedAt, source.mastodonVersion));
  try {
    const liveCountsBeforeDump = await options.countLive?.();
    options.progress({ step: 'Dumping the database', detail: `pg_dump of ${source.dbName} in the db container` });
    const dump = new PassThrough();
    const written = partial.addPart('database', dump);
    const dumped = await execStreaming(source.dbContainerId, pgDumpArgv(source.dbUser, source.dbName), {
      stdout: dump,
      timeoutMs: options.timeoutMs,
    }).finally(() => dump.end());
    const file = await written;
    if (dumped.exitCode !== 0) {
      throw new AppError(
        'upstream_failed',
        'pg_dump failed',
        `pg_dump exited with code ${dumped.exitCode}: ${lastLine(dumped.stderr)}`,
      );
    }
    options.progress({ step: 'Database dumped', detail: `${file.bytes} bytes` });
    const files: [BackupPart, string | undefined][] = [
      ['env', source.envFile],
      ['compose', source.composeFile],
    ];
    for (const [part, path] of files) {
      if (path !== undefined && (await readable(path))) await partial.addPart(part, createReadStream(path));
    }
    const finishedAt = now();
    const record = await partial.commit({
      format: 1,
      trigger: options.trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      mastodonVersion: source.mastodonVersion,
      ...(liveCountsBeforeDump ? { liveCountsBeforeDump } : {}),
      verification: { state: 'pending' },
    });
    options.progress({ step: 'Backup written', detail: record.name });
    return record;
  } catch (error) {
    await partial.abort();
    throw error;
  }
}
