import 'server-only';

import type pg from 'pg';

import { getConfig, type Config, type RedisTarget } from '../config';
import { dockerCalls } from '../docker/client';
import { listProjectContainers } from '../docker/containers';
import { dockerUnavailable } from '../docker/errors';
import { execInContainer } from '../docker/exec';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { newestPoint, pointsOf } from '../metrics/charts';
import { connectInflux, runQueries, sourceView } from '../metrics/influx-source';
import type { RawSeries, SeriesQuery } from '../metrics/query-spec';
import { postgres } from '../postgres/client';
import { postgresUnavailable } from '../postgres/errors';
import { connectedRedis, type RedisRole } from '../redis/client';
import { redisUnavailable } from '../redis/errors';
import { findAppContainer } from './app-container';

/**
 * Where Mastodon's bytes are: the database, Redis's memory, the host's disk and the media folder. Each
 * reading stands alone (the storage panel gives each its own result). The media folder is measured
 * with du inside the web container, which can take minutes on a large instance, so it runs in the
 * background, one at a time, and the page shows the last measurement and its age.
 */

// ---- Postgres --------------------------------------------------------------------------------------

export interface DatabaseSize {
  name: string;
  bytes: number;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function readDatabaseSize(db: Queryable = postgres()): Promise<DatabaseSize> {
  try {
    const result = await db.query('SELECT current_database() AS name, pg_database_size(current_database()) AS bytes');
    const row = result.rows[0] as { name: string; bytes: string | number };
    return { name: row.name, bytes: Number(row.bytes) };
  } catch (error) {
    throw postgresUnavailable(error);
  }
}

// ---- Redis -----------------------------------------------------------------------------------------

/** One Redis server and the roles Mastodon gives it; INFO memory is per server, so roles sharing one are shown once. */
export interface RedisServer {
  /** host:port, without credentials or db. */
  server: string;
  roles: RedisRole[];
}

const ROLES: readonly RedisRole[] = ['main', 'sidekiq', 'cache'];

function serverOf(target: RedisTarget): string {
  try {
    const url = new URL(target.url);
    return `${url.hostname.replace(/^\[|\]$/g, '')}:${url.port || '6379'}`;
  } catch {
    return target.label.replace(/\/\d+$/, '');
  }
}

/** The distinct Redis servers among main, sidekiq and cache (different dbs of one server are one server). */
export function distinctRedisServers(targets: Record<RedisRole, RedisTarget>): RedisServer[] {
  const servers: RedisServer[] = [];
  for (const role of ROLES) {
    const server = serverOf(targets[role]);
    const found = servers.find((entry) => entry.server === server);
    if (found) found.roles.push(role);
    else servers.push({ server, roles: [role] });
  }
  return servers;
}

/** INFO's `key:value` lines (sections and blank lines skipped). */
export function parseRedisInfo(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) values.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return values;
}

export interface RedisMemory {
  usedBytes: number;
  peakBytes: number;
  /** 0: no limit (Redis may grow until the host runs out). */
  maxBytes: number;
  /** What Redis does at maxmemory (noeviction makes writes fail, which breaks Sidekiq). */
  policy?: string;
  rssBytes?: number;
}

export function redisMemoryFromInfo(text: string): RedisMemory {
  const info = parseRedisInfo(text);
  const number = (key: string): number | undefined => {
    const value = info.get(key);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const used = number('used_memory');
  if (used === undefined) {
    throw new AppError('upstream_failed', 'Unexpected INFO memory answer', 'Redis did not report used_memory.');
  }
  const rss = number('used_memory_rss');
  const policy = info.get('maxmemory_policy');
  return {
    usedBytes: used,
    peakBytes: number('used_memory_peak') ?? used,
    maxBytes: number('maxmemory') ?? 0,
    ...(policy ? { policy } : {}),
    ...(rss !== undefined ? { rssBytes: rss } : {}),
  };
}

export async function readRedisMemory(role: RedisRole): Promise<RedisMemory> {
  try {
    const client = await connectedRedis(role);
    return redisMemoryFromInfo(await client.info('memory'));
  } catch (error) {
    throw redisUnavailable(error, role);
  }
}

// ---- host disk -------------------------------------------------------------------------------------

/** Telegraf writes every 10 s by default; a reading older than this is not "the disk now". */
export const DISK_WINDOW_MS = 15 * 60_000;
export const DISK_PATH = '/';

export function diskQueries(): SeriesQuery[] {
  const where = [{ tag: 'path', equals: DISK_PATH }];
  return (['used', 'total', 'free', 'used_percent'] as const).map((field) => ({
    id: `disk_${field}`,
    measurement: 'disk',
    field,
    transform: 'last',
    where,
  }));
}

export interface TelegrafDiskFigures {
  usedBytes: number;
  totalBytes: number;
  freeBytes?: number;
  /** Telegraf's used_percent: used / (used + free), so blocks reserved for root do not count as free. */
  usedPercent: number;
  /** The time of the oldest of the figures, ms. */
  atMs: number;
}

/** The newest used/total/used_percent; undefined when Telegraf wrote none for / in the window. */
export function telegrafDiskFrom(raw: readonly RawSeries[]): TelegrafDiskFigures | undefined {
  const used = newestPoint(pointsOf(raw, 'disk_used'));
  const total = newestPoint(pointsOf(raw, 'disk_total'));
  if (!used || !total) return undefined;
  const free = newestPoint(pointsOf(raw, 'disk_free'));
  const percent = newestPoint(pointsOf(raw, 'disk_used_percent'));
  const usedPercent = percent ? percent[1] : free ? (100 * used[1]) / (used[1] + free[1]) : (100 * used[1]) / total[1];
  return {
    usedBytes: used[1],
    totalBytes: total[1],
    ...(free ? { freeBytes: free[1] } : {}),
    usedPercent,
    atMs: Math.min(used[0], total[0]),
  };
}

/** The parts of Docker's /system/df answer that are used (API 1.41+). */
export interface DockerDfAnswer {
  LayersSize?: number;
  Images?: Array<{ Containers?: number; Size?: number; SharedSize?: number }> | null;
  Containers?: Array<{ SizeRw?: number; State?: string }> | null;
  Volumes?: Array<{ UsageData?: { Size?: number; RefCount?: number } | null }> | null;
  BuildCache?: Array<{ Size?: number; InUse?: boolean; Shared?: boolean }> | null;
}

export interface DockerUsageLine {
  count: number;
  active: number;
  bytes: number;
  /** What `docker system prune` (and `docker image prune -a`) could free, as `docker system df` estimates it. */
  reclaimableBytes: number;
}

export interface DockerDiskUsage {
  images: DockerUsageLine;
  containers: DockerUsageLine;
  volumes: DockerUsageLine;
  buildCache: DockerUsageLine;
  totalBytes: number;
}

const known = (value: number | undefined): number => (value === undefined || value < 0 ? 0 : value);

/** The four lines of `docker system df`, computed as the Docker CLI computes them. */
export function summarizeDockerDf(df: DockerDfAnswer): DockerDiskUsage {
  const images = df.Images ?? [];
  // The socket proxy answers for the project only and leaves LayersSize out (it covers every image on the
  // host): then the project's images are added up, counting a layer that two of them share twice.
  const perImage = df.LayersSize === undefined;
  const imagesBytes = perImage ? images.reduce((sum, image) => sum + known(image.Size), 0) : known(df.LayersSize);
  let imagesInUse = 0;
  for (const image of images) {
    if ((image.Containers ?? 0) > 0 && perImage) imagesInUse += known(image.Size);
    else if ((image.Containers ?? 0) > 0 && (image.Size ?? -1) >= 0 && (image.SharedSize ?? -1) >= 0)
      imagesInUse += image.Size! - image.SharedSize!;
  }
  const containers = df.Containers ?? [];
  const isActive = (state: string | undefined) => state === 'running' || state === 'paused' || state === 'restarting';
  const volumes = df.Volumes ?? [];
  const cache = (df.BuildCache ?? []).filter((record) => !record.Shared);
  const lines: Omit<DockerDiskUsage, 'totalBytes'> = {
    images: {
      count: images.length,
      active: images.filter((image) => (image.Containers ?? 0) > 0).length,
      bytes: imagesBytes,
      reclaimableBytes: Math.max(0, imagesBytes - imagesInUse),
    },
    containers: {
      count: containers.length,
      active: containers.filter((c) => isActive(c.State)).length,
      bytes: containers.reduce((sum, c) => sum + known(c.SizeRw), 0),
      reclaimableBytes: containers.filter((c) => !isActive(c.State)).reduce((sum, c) => sum + known(c.SizeRw), 0),
    },
    volumes: {
      count: volumes.length,
      active: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      bytes: volumes.reduce((sum, v) => sum + known(v.UsageData?.Size), 0),
      reclaimableBytes: volumes
        .filter((v) => (v.UsageData?.RefCount ?? 0) === 0)
        .reduce((sum, v) => sum + known(v.UsageData?.Size), 0),
    },
    buildCache: {
      count: cache.length,
      active: cache.filter((record) => record.InUse).length,
      bytes: cache.reduce((sum, record) => sum + known(record.Size), 0),
      reclaimableBytes: cache.filter((record) => !record.InUse).reduce((sum, record) => sum + known(record.Size), 0),
    },
  };
  return {
    ...lines,
    totalBytes: lines.images.bytes + lines.containers.bytes + lines.volumes.bytes + lines.buildCache.bytes,
  };
}

export type HostDisk =
  | ({
      source: 'telegraf';
      path: string;
      influx: { version: string; language: 'influxql' | 'flux'; database: string };
    } & TelegrafDiskFigures)
  | {
      source: 'docker';
      usage: DockerDiskUsage;
      measuredAtMs: number;
      /** Why Telegraf's reading is not shown, when InfluxDB is configured. */
      influxNote?: string;
    };

/**
 * /system/df walks every volume and layer, which takes seconds on a large host (and older daemons hold
 * a lock meanwhile), so its answer is kept a few minutes.
 */
export const DOCKER_DF_TTL_MS = 5 * 60_000;
const DF_CACHE = Symbol.for('mastodash.storage.docker-df');
type DfHolder = { [DF_CACHE]?: { key: string; atMs: number; usage: DockerDiskUsage } };

async function dockerDiskUsage(): Promise<{ usage: DockerDiskUsage; measuredAtMs: number }> {
  const { docker } = getConfig();
  const holder = globalThis as DfHolder;
  const cached = holder[DF_CACHE];
  const nowMs = Date.now();
  if (cached && cached.key === docker.display && nowMs - cached.atMs < DOCKER_DF_TTL_MS)
    return { usage: cached.usage, measuredAtMs: cached.atMs };
  let answer: DockerDfAnswer;
  try {
    answer = (await dockerCalls().df()) as DockerDfAnswer;
  } catch (error) {
    throw dockerUnavailable(error, docker);
  }
  const usage = summarizeDockerDf(answer);
  holder[DF_CACHE] = { key: docker.display, atMs: nowMs, usage };
  return { usage, measuredAtMs: nowMs };
}

type InfluxConfig = Config['influx'];

/** Telegraf's newest `disk` reading for / within DISK_WINDOW_MS before nowMs; undefined when there is none. */
export async function readTelegrafDisk(
  nowMs: number,
  config: InfluxConfig = getConfig().influx,
): Promise<HostDisk | undefined> {
  const connection = await connectInflux(config);
  const raw = await runQueries(connection, diskQueries(), {
    fromMs: nowMs - DISK_WINDOW_MS,
    toMs: nowMs + 1,
    intervalMs: 60_000,
  });
  const figures = telegrafDiskFrom(raw);
  if (!figures) return undefined;
  const source = sourceView(connection);
  if (source.kind !== 'influx') return undefined;
  return {
    source: 'telegraf',
    path: DISK_PATH,
    influx: { version: source.version, language: source.language, database: source.database },
    ...figures,
  };
}

/**
 * The host's disk from Telegraf when InfluxDB is configured and has a reading for / in the DISK_WINDOW_MS
 * before `nowMs` (a parameter so that tests can ask about the seeded past); otherwise
 * Docker's own usage (images, containers, volumes, build cache), which says what Docker holds, not how
 * full the disk is. The view says which source it is, and why Telegraf's is missing.
 */
export async function readHostDisk(options: { nowMs?: number; influx?: InfluxConfig } = {}): Promise<HostDisk> {
  const nowMs = options.nowMs ?? Date.now();
  const influx = options.influx ?? getConfig().influx;
  let influxNote: string | undefined;
  if (influx.url) {
    try {
      const disk = await readTelegrafDisk(nowMs, influx);
      if (disk) return disk;
      influxNote = `InfluxDB has no Telegraf disk reading for path ${DISK_PATH} in the last ${DISK_WINDOW_MS / 60_000} min. Enable [[inputs.disk]] in Telegraf (with the host's root mounted when Telegraf runs in a container).`;
    } catch (error) {
      const view = toErrorView(error);
      influxNote = `${view.title}: ${view.detail}`;
    }
  }
  try {
    const { usage, measuredAtMs } = await dockerDiskUsage();
    return { source: 'docker', usage, measuredAtMs, ...(influxNote ? { influxNote } : {}) };
  } catch (error) {
    const failure = error instanceof AppError ? error : dockerUnavailable(error, getConfig().docker);
    if (!influxNote) throw failure;
    throw new AppError(
      failure.code,
      failure.title,
      `${failure.detail} InfluxDB did not help either: ${influxNote}`,
      failure.fix,
    );
  }
}

// ---- media folder ----------------------------------------------------------------------------------

export const MEDIA_PATH = '/opt/mastodon/public/system';
/** A measurement older than this is repeated (in the background; the old one is shown meanwhile). */
export const MEDIA_MAX_AGE_MS = 6 * 3_600_000;
/** After a failed measurement, wait this long before trying again (each try may walk the whole folder). */
export const MEDIA_RETRY_AFTER_MS = 10 * 60_000;
/** du over millions of files on a slow disk can take long; past this it is abandoned. */
export const MEDIA_DU_TIMEOUT_MS = 30 * 60_000;

export interface DuReading {
  bytes: number;
  /** Lines du printed on stderr (folders it could not read): the size is then a lower bound. */
  problems: string[];
}

/**
 * Parses `du -sk PATH` (GNU or BusyBox): "<KiB>\t<path>". du exits 1 when it could not read some
 * folders but still prints the total; only a missing total is a failure.
 */
export function parseDuOutput(result: { exitCode: number; stdout: string; stderr: string }): DuReading {
  const line = result.stdout.split('\n').find((entry) => entry.trim() !== '');
  const match = line ? /^(\d+)\s+(.+)$/.exec(line.trim()) : null;
  const problems = result.stderr
    .split('\n')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (!match) {
    const said = (problems[0] ?? result.stdout.trim()).slice(0, 300);
    if (/no such file|not found/i.test(said)) {
      throw new AppError(
        'not_found',
        'No media folder in the web container',
        `${MEDIA_PATH} does not exist there (${said}).`,
        "Check the web service's volume ./public/system:/mastodon/public/system in docker-compose.yml.",
      );
    }
    throw new AppError(
      'upstream_failed',
      'du did not measure the media folder',
      `du exited with ${result.exitCode}${said ? `: ${said}` : ' and printed nothing'}.`,
    );
  }
  return { bytes: Number(match[1]) * 1024, problems };
}

export type MediaOutcome =
  | {
      kind: 'size';
      bytes: number;
      atMs: number;
      durationMs: number;
      container: string;
      unreadable: number;
      problem?: string;
    }
  | { kind: 'object-storage'; atMs: number; container: string };

export interface MediaCache {
  /** Which deployment the entry belongs to (compose project and Docker endpoint). */
  key: string;
  last?: MediaOutcome;
  failure?: { error: ErrorView; atMs: number };
  running?: { startedAtMs: number; promise: Promise<void> };
}

/** Whether to start a measurement now: none running, and the last one missing or too old, and no recent failure. */
export function mediaNeedsMeasuring(
  cache: Pick<MediaCache, 'last' | 'failure' | 'running'>,
  nowMs: number,
  limits: { maxAgeMs: number; retryAfterMs: number } = {
    maxAgeMs: MEDIA_MAX_AGE_MS,
    retryAfterMs: MEDIA_RETRY_AFTER_MS,
  },
): boolean {
  if (cache.running) return false;
  if (
    cache.failure &&
    (!cache.last || cache.failure.atMs >= cache.last.atMs) &&
    nowMs - cache.failure.atMs < limits.retryAfterMs
  )
    return false;
  if (!cache.last) return true;
  return nowMs - cache.last.atMs >= limits.maxAgeMs;
}

export type MediaView =
  /** First run: nothing measured yet. */
  | { state: 'measuring'; sinceMs: number }
  | {
      state: 'measured';
      bytes: number;
      measuredAtMs: number;
      durationMs: number;
      container: string;
      /** Folders du could not read (the size is a lower bound). */
      unreadable: number;
      problem?: string;
      /** A newer measurement is under way. */
      refreshing: boolean;
      /** The last attempt after this measurement failed. */
      lastError?: ErrorView;
    }
  | { state: 'object-storage'; checkedAtMs: number; container: string; refreshing: boolean }
  | { state: 'failed'; error: ErrorView; atMs: number; retryAtMs: number; refreshing: boolean };

export function mediaView(
  cache: Pick<MediaCache, 'last' | 'failure' | 'running'>,
  retryAfterMs = MEDIA_RETRY_AFTER_MS,
): MediaView {
  const refreshing = cache.running !== undefined;
  const { last, failure } = cache;
  const newerFailure = failure && (!last || failure.atMs >= last.atMs) ? failure : undefined;
  if (last?.kind === 'object-storage')
    return { state: 'object-storage', checkedAtMs: last.atMs, container: last.container, refreshing };
  if (last?.kind === 'size') {
    return {
      state: 'measured',
      bytes: last.bytes,
      measuredAtMs: last.atMs,
      durationMs: last.durationMs,
      container: last.container,
      unreadable: last.unreadable,
      ...(last.problem ? { problem: last.problem } : {}),
      refreshing,
      ...(newerFailure ? { lastError: newerFailure.error } : {}),
    };
  }
  if (newerFailure)
    return {
      state: 'failed',
      error: newerFailure.error,
      atMs: newerFailure.atMs,
      retryAtMs: newerFailure.atMs + retryAfterMs,
      refreshing,
    };
  return { state: 'measuring', sinceMs: cache.running?.startedAtMs ?? Date.now() };
}

const MEDIA_CACHE = Symbol.for('mastodash.storage.media');
type MediaHolder = { [MEDIA_CACHE]?: MediaCache };

function mediaCache(): MediaCache {
  const config = getConfig();
  const key = `${config.composeProject}|${config.docker.display}`;
  const holder = globalThis as MediaHolder;
  if (holder[MEDIA_CACHE]?.key !== key) holder[MEDIA_CACHE] = { key };
  return holder[MEDIA_CACHE];
}

/** S3_ENABLED from the container's environment: the running truth, whatever .env.production says now. Only this one variable is read. */
async function objectStorageEnabled(containerId: string): Promise<boolean> {
  try {
    const info = await dockerCalls().getContainer(containerId).inspect();
    return (info.Config?.Env ?? []).some((entry) => /^S3_ENABLED=true$/i.test(entry));
  } catch (error) {
    throw dockerUnavailable(error, getConfig().docker);
  }
}

async function measureOnce(): Promise<MediaOutcome> {
  const containers = await listProjectContainers();
  const container = findAppContainer(containers, { running: true });
  if (!container) {
    throw new AppError(
      'conflict',
      'web is not running',
      `The media folder is measured inside the running web (or sidekiq) container of ${getConfig().composeProject}, and none is running.`,
      'Start Mastodon (docker compose up -d); the next measurement follows within minutes.',
    );
  }
  const startedMs = Date.now();
  if (await objectStorageEnabled(container.id))
    return { kind: 'object-storage', atMs: startedMs, container: container.name };
  // Docker does not kill an exec'd process when its stream is dropped; timeout(1) inside the container
  // does, so an abandoned du never keeps walking the disk next to the next one.
  const result = await execInContainer(
    container.id,
    ['timeout', String(MEDIA_DU_TIMEOUT_MS / 1000), 'du', '-sk', MEDIA_PATH],
    {
      timeoutMs: MEDIA_DU_TIMEOUT_MS + 30_000,
      maxOutputBytes: 1024 * 1024,
      waitingFor: `du -sk ${MEDIA_PATH} in ${container.name}`,
    },
  );
  if (result.exitCode === 124 || result.exitCode === 143) {
    throw new AppError(
      'timeout',
      'du did not finish',
      `Measuring ${MEDIA_PATH} in ${container.name} took longer than ${MEDIA_DU_TIMEOUT_MS / 60_000} min and was stopped.`,
      'The disk may be very slow or the folder huge; check the host with du -sh on the bind mount (public/system).',
    );
  }
  const reading = parseDuOutput(result);
  const finishedMs = Date.now();
  return {
    kind: 'size',
    bytes: reading.bytes,
    atMs: finishedMs,
    durationMs: finishedMs - startedMs,
    container: container.name,
    unreadable: reading.problems.length,
    ...(reading.problems[0] ? { problem: reading.problems[0].slice(0, 300) } : {}),
  };
}

/** Starts a measurement unless one is running, and returns the one under way. */
export function startMediaMeasurement(): Promise<void> {
  const cache = mediaCache();
  if (cache.running) return cache.running.promise;
  const startedAtMs = Date.now();
  const promise = measureOnce().then(
    (outcome) => {
      cache.last = outcome;
      cache.failure = undefined;
    },
    (error: unknown) => {
      if (!(error instanceof AppError)) console.error('[storage] media measurement failed:', error);
      cache.failure = { error: toErrorView(error), atMs: Date.now() };
    },
  );
  cache.running = {
    startedAtMs,
    promise: promise.finally(() => {
      cache.running = undefined;
    }),
  };
  return cache.running.promise;
}

/** What is known about the media folder now; starts a background measurement when due and never waits for it. */
export function mediaFolderStatus(nowMs = Date.now()): MediaView {
  const cache = mediaCache();
  if (mediaNeedsMeasuring(cache, nowMs)) void startMediaMeasurement();
  return mediaView(cache);
}

/** For tests: forget measurements (a running one still finishes, into the forgotten entry). */
export function resetStorageCachesForTesting(): void {
  (globalThis as MediaHolder)[MEDIA_CACHE] = undefined;
  (globalThis as DfHolder)[DF_CACHE] = undefined;
}
