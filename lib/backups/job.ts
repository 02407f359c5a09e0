import 'server-only';

import { access } from 'node:fs/promises';
import path from 'node:path';

import { getConfig } from '../config';
import { listProjectContainers } from '../docker/containers';
import type { ContainerView } from '../docker/types';
import { text } from '../i18n/text';
import { AppError } from '../errors';
import { inEnglish } from '../i18n/english';
import type { JobProgress } from '../jobs';
import { COMPOSE_FILE_NAMES } from '../mastodon/config-files';
import { readRunningVersion } from '../mastodon/running-version';
import { connectToDatabase } from '../postgres/client';
import { connectedRedis } from '../redis/client';
import type { BackupRecord } from './layout';
import { hostTools } from './host-tools';
import { containerTools } from './postgres-tools';
import { redisDumpFromContainer, type RedisDumpSource } from './redis-dump';
import { mastodonDatabase } from './database';
import { backupsToPrune, listBackups, removeBackups } from './store';
import { takeBackup, type BackupSource } from './take';
import { countTables, verifyBackup, type Verification } from './verify';

/** pg_dump of a small instance takes seconds; a large one minutes. Past this it is abandoned. */
export const DUMP_TIMEOUT_MS = 2 * 3_600_000;
export const RESTORE_TIMEOUT_MS = 2 * 3_600_000;

/** What a backup job answers with: a summary, no secret (the job record is shown to the browser). */
export interface BackupJobResult extends Record<string, unknown> {
  name: string;
  bytes: number;
  durationMs: number;
  verification: Verification['state'];
  /** In English: the job's result is a summary for the audit log. */
  verificationDetail?: string;
  pruned: string[];
}

/** The compose file Docker Compose itself would pick in `dir` (its names in its order of preference). */
async function composeFileIn(dir: string): Promise<string | undefined> {
  for (const name of COMPOSE_FILE_NAMES) {
    const file = path.join(dir, name);
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

/** BACKUP_REDIS: the running redis service's dump.rdb, after a BGSAVE through the dashboard's Redis connection. */
function redisDumpSource(containers: readonly ContainerView[]): RedisDumpSource {
  const container = containers.find((candidate) => candidate.service === 'redis' && candidate.state === 'running');
  if (!container) {
    throw new AppError(
      'not_found',
      text('backups.errors.noRedis.title'),
      text('backups.errors.noRedis.detail'),
      text('backups.errors.noRedis.fix'),
    );
  }
  return redisDumpFromContainer(container.id, () => connectedRedis('main'));
}

/**
 * Where the backup's pg_dump runs and the files it copies beside the dump: the compose project's running db service,
 * or, when the project has no db service at all (an external Postgres), the dashboard's own pg_dump.
 */
async function backupSource(): Promise<BackupSource> {
  const containers = await listProjectContainers();
  const db = containers.find((container) => container.service === 'db' && container.state === 'running');
  if (!db && containers.some((container) => container.service === 'db')) {
    throw new AppError(
      'not_found',
      text('backups.errors.dbStopped.title'),
      text('backups.errors.dbStopped.detail'),
      text('backups.errors.dbStopped.fix'),
    );
  }
  const config = getConfig();
  const redis = config.backups.redis ? redisDumpSource(containers) : undefined;
  const version = await readRunningVersion();
  const dir = config.mastodon.dir;
  const composeFile = dir === undefined ? undefined : await composeFileIn(dir);
  return {
    tools: db ? containerTools(db.id) : hostTools(config.mastodon.postgres, { connect: connectToDatabase }),
    ...mastodonDatabase(),
    ...(redis ? { redis } : {}),
    ...(dir === undefined
      ? {}
      : {
          envFile: config.mastodon.envFile ?? path.join(dir, '.env.production'),
          ...(composeFile ? { composeFile } : {}),
        }),
    mastodonVersion: version.version?.text ?? null,
  };
}

/**
 * One backup, from start to end: the dump and the two files, the restore into a scratch database that proves it,
 * then retention. Retention runs only after a backup that did not fail its verification, and never to make room.
 */
export async function runBackup(trigger: BackupRecord['trigger'], progress: JobProgress): Promise<BackupJobResult> {
  const { backups } = getConfig();
  const source = await backupSource();
  const record = await takeBackup(source, backups.dir, {
    trigger,
    progress,
    timeoutMs: DUMP_TIMEOUT_MS,
    countLive: () => countTables(connectToDatabase, source.dbName),
  });
  const verification = await verifyBackup(source, backups.dir, record, {
    connect: connectToDatabase,
    liveDatabase: source.dbName,
    progress,
    timeoutMs: RESTORE_TIMEOUT_MS,
  });
  progress({
    step: text(
      verification.state === 'verified' ? 'backups.verification.verified' : 'backups.verification.not_verified',
    ),
    ...(verification.detail ? { detail: verification.detail } : {}),
  });
  let pruned: string[] = [];
  if (verification.state !== 'failed') {
    pruned = backupsToPrune(await listBackups(backups.dir), backups.keep);
    if (pruned.length > 0) {
      await removeBackups(backups.dir, pruned);
      progress({ step: text('backups.progress.pruned'), detail: pruned.join(', ') });
    }
  }
  return {
    name: record.name,
    bytes: record.files.reduce((sum, file) => sum + file.bytes, 0),
    durationMs: record.durationMs,
    verification: verification.state,
    ...(verification.detail ? { verificationDetail: inEnglish(verification.detail) } : {}),
    pruned,
  };
}
