import 'server-only';

import type { Writable } from 'node:stream';

import type { Redis } from 'ioredis';

import { execStreaming } from '../docker/exec';
import { REDIS_DUMP_RDB } from '../docker/exec-programs';
import { text } from '../i18n/text';
import { AppError, type ErrorText } from '../errors';
import type { ToolRun } from './postgres-tools';

/** The Redis commands a snapshot needs (an ioredis client has them). */
export type SnapshotClient = Pick<Redis, 'time' | 'lastsave' | 'call' | 'info'>;

/** Redis's dump.rdb as a part of a backup (BACKUP_REDIS): a fresh snapshot, then the file copied out. */
export interface RedisDumpSource {
  /** Where the file is read, for the progress line. */
  readonly where: ErrorText;
  /** BGSAVE, and wait until Redis says it finished and succeeded. */
  snapshot(timeoutMs: number): Promise<void>;
  /** The file, streamed into `stdout` with backpressure. */
  copy(stdout: Writable, timeoutMs: number): Promise<ToolRun>;
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The fields of `INFO persistence` ("rdb_bgsave_in_progress:0\r\n…"). */
export function persistenceFields(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Makes Redis write a snapshot now and waits for it: LASTSAVE (whole seconds) must move past its value before the
 * BGSAVE, so a save in the current second is first waited out. `BGSAVE SCHEDULE` waits for an AOF rewrite instead
 * of failing; a save already running is waited for, then one more is asked for, so the file is at least as new as
 * this backup's database dump.
 */
export async function takeRedisSnapshot(client: SnapshotClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const [serverSeconds] = await client.time();
  const before = await client.lastsave();
  if (before >= Number(serverSeconds)) await sleep(1_100);
  let sawSaving = false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await client.call('BGSAVE', 'SCHEDULE');
      break;
    } catch (error) {
      if (!/already in progress/i.test((error as Error).message) || attempt > 0) {
        throw new AppError(
          'upstream_failed',
          text('backups.errors.redisRefused.title'),
          text('backups.errors.redisRefused.detail', { message: (error as Error).message }),
        );
      }
      while ((persistenceFields(await client.info('persistence')).get('rdb_bgsave_in_progress') ?? '0') !== '0') {
        if (Date.now() > deadline) break;
        await sleep(POLL_MS);
      }
    }
  }
  for (;;) {
    const fields = persistenceFields(await client.info('persistence'));
    const saving = fields.get('rdb_bgsave_in_progress') === '1';
    sawSaving ||= saving;
    const lastSave = Number(fields.get('rdb_last_save_time') ?? (await client.lastsave()));
    if (!saving && lastSave > before) return;
    if (!saving && sawSaving && fields.get('rdb_last_bgsave_status') === 'err') {
      throw new AppError(
        'upstream_failed',
        text('backups.errors.redisSnapshotFailed.title'),
        text('backups.errors.redisSnapshotFailed.detail'),
        text('backups.errors.redisSnapshotFailed.fix'),
      );
    }
    if (Date.now() > deadline) {
      throw new AppError(
        'timeout',
        text('backups.errors.redisTimeout.title'),
        text('backups.errors.redisTimeout.detail', { seconds: String(Math.round(timeoutMs / 1000)) }),
      );
    }
    await sleep(POLL_MS);
  }
}

/**
 * The compose project's redis service: BGSAVE through the dashboard's Redis connection (Mastodon's REDIS_*, which on
 * a compose deployment is that service), then `cat /data/dump.rdb` in its container through Docker exec, the one
 * file the allow-list lets cat read there.
 */
export function redisDumpFromContainer(containerId: string, client: () => Promise<SnapshotClient>): RedisDumpSource {
  return {
    where: text('backups.progress.redisFile', { file: REDIS_DUMP_RDB }),
    snapshot: async (timeoutMs) => takeRedisSnapshot(await client(), timeoutMs),
    copy: (stdout, timeoutMs) => execStreaming(containerId, ['cat', REDIS_DUMP_RDB], { stdout, timeoutMs }),
  };
}
