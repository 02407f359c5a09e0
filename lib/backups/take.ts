import 'server-only';

import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';

import { text } from '../i18n/text';
import { AppError } from '../errors';
import type { JobProgress } from '../jobs';
import { backupName, type BackupPart, type BackupRecord } from './layout';
import type { PostgresTools } from './postgres-tools';
import type { RedisDumpSource } from './redis-dump';
import { PartialBackup } from './writer';

/**
 * What a backup is taken from: where pg_dump and pg_restore run (the db container, or the dashboard's side for an
 * external Postgres), Mastodon's database role and name, and its two files.
 */
export interface BackupSource {
  tools: PostgresTools;
  dbUser: string;
  dbName: string;
  envFile?: string;
  composeFile?: string;
  /** Redis's dump.rdb, when BACKUP_REDIS asks for it. */
  redis?: RedisDumpSource;
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

/** The file as a stream, or undefined when it is not there (a deployment without a compose file beside it). */
async function openIfPresent(file: string): Promise<Readable | undefined> {
  try {
    // One open: the file read is the file found (no check first and a second open later).
    return (await open(file, 'r')).createReadStream();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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

/** BGSAVE, then dump.rdb streamed into the backup beside the database's dump. */
async function addRedisDump(partial: PartialBackup, redis: RedisDumpSource, options: TakeOptions): Promise<void> {
  options.progress({ step: text('backups.progress.savingRedis'), detail: 'BGSAVE' });
  await redis.snapshot(options.timeoutMs);
  const rdb = new PassThrough();
  const written = partial.addPart('redis', rdb);
  const copying = redis.copy(rdb, options.timeoutMs).finally(() => rdb.end());
  const [copied, file] = await Promise.all([copying, written]);
  if (copied.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      text('backups.errors.redisUnreadable.title'),
      text('backups.errors.redisUnreadable.detail', {
        where: redis.where,
        code: String(copied.exitCode),
        message: lastLine(copied.stderr),
      }),
      text('backups.errors.redisUnreadable.fix'),
    );
  }
  options.progress({
    step: text('backups.progress.redisSaved'),
    detail: text('backups.progress.bytes', { bytes: file.bytes }),
  });
}

/**
 * Takes one backup into `backupDir`: pg_dump where `source.tools` runs it (after its checks, before anything is
 * written), streamed into the writer, then .env.production and the compose file. Anything that fails removes the
 * partial directory and leaves every earlier backup as it was.
 */
export async function takeBackup(source: BackupSource, backupDir: string, options: TakeOptions): Promise<BackupRecord> {
  const now = options.now ?? (() => new Date());
  await source.tools.prepare(source.dbName);
  const startedAt = now();
  const partial = await PartialBackup.open(backupDir, backupName(startedAt, source.mastodonVersion));
  try {
    const liveCountsBeforeDump = await options.countLive?.();
    options.progress({
      step: text('backups.progress.dumping'),
      detail: text('backups.progress.pgDumpOf', { database: source.dbName, where: source.tools.where }),
    });
    const dump = new PassThrough();
    const written = partial.addPart('database', dump);
    const dumping = source.tools
      .dump({ user: source.dbUser, database: source.dbName }, dump, options.timeoutMs)
      .finally(() => dump.end());
    // Together, so that a writer that fails (a full disk) fails the backup at once, with its own error.
    const [dumped, file] = await Promise.all([dumping, written]);
    if (dumped.exitCode !== 0) {
      throw new AppError(
        'upstream_failed',
        text('backups.errors.pgDumpFailed.title'),
        text('backups.errors.pgDumpFailed.detail', { code: String(dumped.exitCode), message: lastLine(dumped.stderr) }),
      );
    }
    options.progress({
      step: text('backups.progress.dumped'),
      detail: text('backups.progress.bytes', { bytes: file.bytes }),
    });
    const files: [BackupPart, string | undefined][] = [
      ['env', source.envFile],
      ['compose', source.composeFile],
    ];
    for (const [part, path] of files) {
      const stream = path === undefined ? undefined : await openIfPresent(path);
      if (stream) await partial.addPart(part, stream);
    }
    if (source.redis) await addRedisDump(partial, source.redis, options);
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
    options.progress({ step: text('backups.progress.written'), detail: record.name });
    return record;
  } catch (error) {
    await partial.abort();
    throw error;
  }
}
