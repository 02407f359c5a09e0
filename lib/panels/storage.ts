import 'server-only';

import { getConfig } from '../config';
import { readDatabaseSize, type DatabaseSize } from '../mastodon/storage/database-size';
import { readHostDisk, type HostDisk } from '../mastodon/storage/host-disk';
import { mediaFolderStatus, type MediaView } from '../mastodon/storage/media-folder';
import {
  distinctRedisServers,
  readRedisMemory,
  type RedisMemory,
  type RedisServer,
} from '../mastodon/storage/redis-memory';
import { runPanel, type PanelResult } from './panel';
import { text } from '../i18n/text';

export interface RedisMemoryPart extends RedisServer {
  memory: PanelResult<RedisMemory>;
}

/** Each backend's part carries its own result: Postgres down blanks the database line only. */
export interface StoragePanelData {
  database: PanelResult<DatabaseSize>;
  redis: RedisMemoryPart[];
  disk: PanelResult<HostDisk>;
  media: MediaView;
}

const POSTGRES_PART_MS = 7_000;
const REDIS_PART_MS = 6_000;

/**
 * Where Mastodon's bytes are: database size, Redis memory (per distinct server), the host's disk and the
 * media folder, one file per measurement in lib/mastodon/storage/. Each reading stands alone.
 */
export function storagePanel(options: { nowMs?: number } = {}): Promise<PanelResult<StoragePanelData>> {
  const config = getConfig();
  // Influx: /ping then one query; then Docker's df when Telegraf has nothing.
  const diskMs = (config.influx.url ? config.influx.timeoutMs * 2 : 0) + config.docker.timeoutMs + 1_000;
  return runPanel(
    text('errors.panels.storage'),
    Math.max(POSTGRES_PART_MS, REDIS_PART_MS, diskMs) + 1_000,
    async () => {
      const nowMs = options.nowMs ?? Date.now();
      const servers = distinctRedisServers({
        main: config.mastodon.redis,
        sidekiq: config.mastodon.sidekiqRedis,
        cache: config.mastodon.cacheRedis,
      });
      const [database, disk, memories] = await Promise.all([
        runPanel(text('errors.panels.postgres'), POSTGRES_PART_MS, () => readDatabaseSize()),
        runPanel(text('errors.panels.hostDisk'), diskMs, () => readHostDisk({ nowMs })),
        Promise.all(
          servers.map((server) =>
            runPanel(text('errors.panels.redis', { server: server.server }), REDIS_PART_MS, () =>
              readRedisMemory(server.roles[0]!),
            ),
          ),
        ),
      ]);
      return {
        database,
        disk,
        redis: servers.map((server, index) => ({ ...server, memory: memories[index]! })),
        media: mediaFolderStatus(nowMs),
      };
    },
  );
}

/**
 * The media folder alone (the Media page's breakdown): the last measurement, starting one when due. It never waits
 * for du, so it answers at once.
 */
export function mediaFolderPanel(options: { nowMs?: number } = {}): Promise<PanelResult<MediaView>> {
  return runPanel(text('errors.panels.mediaFolder'), 1_000, async () => mediaFolderStatus(options.nowMs ?? Date.now()));
}
