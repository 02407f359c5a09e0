import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import Docker from 'dockerode';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { readDatabaseSize } from '@/lib/mastodon/storage/database-size';
import {
  resetDockerDiskUsageForTesting,
  summarizeDockerDf,
  type DockerDfAnswer,
} from '@/lib/mastodon/storage/docker-disk-usage';
import { DISK_WINDOW_MS, readHostDisk } from '@/lib/mastodon/storage/host-disk';
import {
  MEDIA_MAX_AGE_MS,
  mediaFolderStatus,
  resetMediaFolderForTesting,
  startMediaMeasurement,
} from '@/lib/mastodon/storage/media-folder';
import { redisMemoryFromInfo } from '@/lib/mastodon/storage/redis-memory';
import { resetInfluxSourceForTesting } from '@/lib/metrics/influx-source';
import { storagePanel } from '@/lib/panels/storage';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { resetRedisForTesting } from '@/lib/redis/client';
import { createTelegrafModel, type TelegrafModel } from '@/scripts/testbed/seed/telegraf-model.mjs';
import { readTestbed } from '../../support/testbed';

/**
 * Storage against the test bed: database size from Postgres, Redis memory from the test Redis, the host
 * disk from the seeded Telegraf data (or Docker's df), and du of the media folder inside web containers:
 * mdtest's own (read only) and this file's throwaway containers (project mdstor*, removed at the end).
 */
const run = promisify(execFile);
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);
const IMAGE = 'ghcr.io/mastodon/mastodon:v4.3.17';
const MEDIA = '/opt/mastodon/public/system';
const docker = new Docker({ socketPath: testbed.dockerHost.replace(/^unix:\/\//, '') });
const model: TelegrafModel = (() => {
  const seed = JSON.parse(readFileSync('/run/mastodash-testbed/influx-seed.json', 'utf8')) as {
    anchorMs: number;
    projects: string[];
  };
  return createTelegrafModel({ anchorMs: seed.anchorMs, projects: seed.projects });
})();

// A generous timeout: the shared test machine is sometimes loaded enough to make InfluxDB 1.6 slow.
const INFLUX_ENV = {
  INFLUX_URL: testbed.influxUrl,
  INFLUX_DB: 'telegraf',
  INFLUX_TOKEN: testbed.influxReader,
  INFLUX_TIMEOUT_MS: '20000',
};

async function configure(extra: Record<string, string> = {}, project = testbed.project): Promise<void> {
  await resetPostgresForTesting();
  await resetRedisForTesting();
  resetInfluxSourceForTesting();
  resetMediaFolderForTesting();
  resetDockerDiskUsageForTesting();
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: project,
        MASTODON_DIR: path.join(projectsDir, testbed.project),
        ...extra,
      },
    }),
  );
}

async function dockerCli(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; code?: number };
    return { stdout: failed.stdout ?? '', code: failed.code ?? -1 };
  }
}

/** `du -sk` run by hand through docker exec, as the image's user: the figure the dashboard must match. */
async function duByHand(container: string): Promise<number> {
  const { stdout } = await dockerCli('exec', container, 'du', '-sk', MEDIA);
  const match = /^(\d+)\s/.exec(stdout);
  if (!match) throw new Error(`du printed ${JSON.stringify(stdout)}`);
  return Number(match[1]) * 1024;
}

/** The newest seeded value of a disk field in [fromMs, toMs). */
function seededLast(field: string, fromMs: number, toMs: number): { t: number; value: number } | undefined {
  const points = model.points('disk', field, fromMs, toMs).filter((p) => p.value !== undefined);
  const last = points.at(-1);
  return last ? { t: last.t, value: Number(last.value) } : undefined;
}

afterAll(async () => {
  await resetPostgresForTesting();
  await resetRedisForTesting();
  resetMediaFolderForTesting();
  resetDockerDiskUsageForTesting();
  setConfigForTesting(undefined);
});

describe('database size', () => {
  let db: pg.Client;

  beforeAll(async () => {
    await configure();
    db = new pg.Client({ connectionString: testbed.pgUrl43 });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
  });

  it('is pg_database_size of the configured database', async () => {
    const ours = await readDatabaseSize(db);
    const direct = (await db.query(`SELECT pg_database_size('mastodon_43')::text AS bytes`)).rows[0].bytes as string;
    expect(ours).toEqual({ name: 'mastodon_43', bytes: Number(direct) });
    expect(ours.bytes).toBeGreaterThan(1024 * 1024);
  });

  it('comes through the panel from the pool', async () => {
    const sizeNow = async () =>
      Number((await db.query(`SELECT pg_database_size('mastodon_43') AS bytes`)).rows[0].bytes);
    const before = await sizeNow();
    const result = await storagePanel();
    const after = await sizeNow();
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.data.database.ok).toBe(true);
    if (!result.data.database.ok) return;
    expect(result.data.database.data.name).toBe('mastodon_43');
    // Other suites may write meanwhile: the answer lies between the two direct readings.
    expect(result.data.database.data.bytes).toBeGreaterThanOrEqual(Math.min(before, after));
    expect(result.data.database.data.bytes).toBeLessThanOrEqual(Math.max(before, after));
  });
});

describe('Redis memory', () => {
  let direct: Redis;

  beforeAll(async () => {
    direct = new Redis(testbed.redisUrl);
  });

  afterAll(() => {
    direct.disconnect();
  });

  afterEach(async () => {
    await configure();
  });

  it('reads INFO memory of the one Redis all three roles share', async () => {
    await configure();
    const before = redisMemoryFromInfo(await direct.info('memory'));
    const result = await storagePanel();
    const after = redisMemoryFromInfo(await direct.info('memory'));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.data.redis.map(({ server, roles }) => ({ server, roles }))).toEqual([
      { server: '127.0.0.1:56379', roles: ['main', 'sidekiq', 'cache'] },
    ]);
    const memory = result.data.redis[0]!.memory;
    if (!memory.ok) throw new Error(JSON.stringify(memory.error));
    expect(memory.data.maxBytes).toBe(before.maxBytes);
    expect(memory.data.policy).toBe(before.policy);
    // The peak only grows: ours lies between the readings taken around it.
    expect(memory.data.peakBytes).toBeGreaterThanOrEqual(before.peakBytes);
    expect(memory.data.peakBytes).toBeLessThanOrEqual(after.peakBytes);
    expect(memory.data.usedBytes).toBeLessThanOrEqual(after.peakBytes);
    expect(Math.abs(memory.data.usedBytes - after.usedBytes)).toBeLessThan(2 * 1024 * 1024);
  });

  it('counts another db of one server once, a separate cache Redis apart: down alone, the rest stays', async () => {
    await configure({
      SIDEKIQ_REDIS_URL: `${testbed.redisUrl.replace(/\/0$/, '')}/3`,
      CACHE_REDIS_URL: 'redis://127.0.0.1:1/0',
    });
    const result = await storagePanel();
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const [main, cache] = result.data.redis;
    expect(result.data.redis).toHaveLength(2);
    expect(main).toMatchObject({ server: '127.0.0.1:56379', roles: ['main', 'sidekiq'], memory: { ok: true } });
    expect(cache).toMatchObject({
      server: '127.0.0.1:1',
      roles: ['cache'],
      memory: { ok: false, error: { code: 'redis_unreachable' } },
    });
    expect(result.data.database.ok).toBe(true);
  });

  it('Postgres down blanks the database line only', async () => {
    await configure({ DB_PORT: '1' });
    const result = await storagePanel();
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.data.database).toMatchObject({ ok: false, error: { code: 'postgres_unreachable' } });
    expect(result.data.redis[0]!.memory.ok).toBe(true);
    expect(result.data.disk.ok).toBe(true);
  });
});

describe('host disk', () => {
  beforeEach(async () => {
    await configure(INFLUX_ENV);
  });

  it("is Telegraf's newest disk reading for / at the seed's end", async () => {
    const nowMs = model.anchorMs + 1;
    const used = seededLast('used', nowMs - DISK_WINDOW_MS, nowMs + 1);
    const total = seededLast('total', nowMs - DISK_WINDOW_MS, nowMs + 1);
    const free = seededLast('free', nowMs - DISK_WINDOW_MS, nowMs + 1);
    const percent = seededLast('used_percent', nowMs - DISK_WINDOW_MS, nowMs + 1);
    if (!used || !total || !free || !percent) throw new Error('the seed has no disk points before its anchor');
    const disk = await readHostDisk({ nowMs });
    expect(disk).toMatchObject({
      source: 'telegraf',
      path: '/',
      usedBytes: used.value,
      totalBytes: total.value,
      freeBytes: free.value,
      atMs: Math.min(used.t, total.t),
      influx: { language: 'influxql', database: 'telegraf' },
    });
    if (disk.source !== 'telegraf') return;
    expect(disk.usedPercent).toBeCloseTo(percent.value, 9);
    expect(disk.influx.version).toMatch(/^1\.6\./);
  });

  it('takes the newest point inside the window, not a later one', async () => {
    // 10 minutes after the start of the seeded host outage (anchor − 3 h … − 2 h 40): the newest reading
    // is the one just before it.
    const nowMs = model.anchorMs - 3 * 3_600_000 + 10 * 60_000;
    const used = seededLast('used', nowMs - DISK_WINDOW_MS, nowMs + 1);
    if (!used) throw new Error('the seed has no disk points before the outage');
    expect(used.t).toBeLessThan(model.anchorMs - 3 * 3_600_000);
    const disk = await readHostDisk({ nowMs });
    expect(disk).toMatchObject({ source: 'telegraf', usedBytes: used.value, atMs: used.t });
  });

  it("falls back to Docker's usage, saying why, when Telegraf has nothing for the last 15 min", async () => {
    // Deep inside the outage: no disk point within the window.
    const nowMs = model.anchorMs - 2 * 3_600_000 - 45 * 60_000;
    expect(seededLast('used', nowMs - DISK_WINDOW_MS, nowMs + 1)).toBeUndefined();
    const disk = await readHostDisk({ nowMs });
    expect(disk.source).toBe('docker');
    if (disk.source !== 'docker') return;
    expect(inEnglish(disk.influxNote ?? '')).toMatch(/no Telegraf disk reading for path \/ in the last 15 min/);
    expect(renderText(translatorFor('de'), disk.influxNote ?? '')).toMatch(
      /in den letzten 15 Min\. keinen Telegraf-Messwert für den Pfad \//,
    );
  });

  it('falls back to Docker when InfluxDB is down, naming the InfluxDB problem', async () => {
    await configure({ ...INFLUX_ENV, INFLUX_URL: 'http://127.0.0.1:1' });
    const disk = await readHostDisk({ nowMs: model.anchorMs });
    expect(disk).toMatchObject({ source: 'docker' });
    if (disk.source !== 'docker') return;
    expect(inEnglish(disk.influxNote ?? '')).toMatch(/InfluxDB is unreachable/);
  });

  it("without InfluxDB is Docker's df, as the daemon reports it", async () => {
    await configure();
    const raw = async () => summarizeDockerDf((await docker.df()) as DockerDfAnswer);
    const before = await raw();
    const disk = await readHostDisk();
    const after = await raw();
    expect(disk.source).toBe('docker');
    if (disk.source !== 'docker') return;
    expect(disk.influxNote).toBeUndefined();
    expect([before, after]).toContainEqual(disk.usage);
    // Cross-check with what the CLI lists: every image and container of the test bed's daemon.
    // Without -a: the classic builder's intermediate layers (the image tests build one) are not images df counts.
    const images = (await dockerCli('image', 'ls', '-q')).stdout.trim().split('\n').filter(Boolean);
    expect(new Set(images).size).toBe(disk.usage.images.count);
    expect(disk.usage.images.bytes).toBeGreaterThan(0);
    expect(disk.usage.totalBytes).toBe(
      disk.usage.images.bytes + disk.usage.containers.bytes + disk.usage.volumes.bytes + disk.usage.buildCache.bytes,
    );
  });

  it('comes through the panel with an explicit time', async () => {
    const result = await storagePanel({ nowMs: model.anchorMs + 1 });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.data.disk).toMatchObject({
      ok: true,
      data: {
        source: 'telegraf',
        usedBytes: seededLast('used', model.anchorMs + 1 - DISK_WINDOW_MS, model.anchorMs + 2)!.value,
      },
    });
  });
});

describe('media folder', () => {
  const created: string[] = [];

  async function startWeb(project: string, env: string[]): Promise<string> {
    const name = `${project}-web-1`;
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    const container = await docker.createContainer({
      name,
      Image: IMAGE,
      Cmd: ['sleep', '900'],
      Env: env,
      Labels: {
        'com.docker.compose.project': project,
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '1',
        'com.docker.compose.oneoff': 'False',
      },
      HostConfig: { NetworkMode: 'none' },
    });
    created.push(name);
    await container.start();
    return name;
  }

  afterAll(async () => {
    for (const name of created) {
      await docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it('answers at once with "measuring", then shows the du of mdtest-web-1 as measured by hand', async () => {
    await configure();
    const first = mediaFolderStatus();
    expect(first.state).toBe('measuring');
    // At most one at a time: asking again returns the measurement under way.
    expect(startMediaMeasurement()).toBe(startMediaMeasurement());
    await startMediaMeasurement();
    const measured = mediaFolderStatus();
    const byHand = await duByHand(`${testbed.project}-web-1`);
    expect(measured).toMatchObject({
      state: 'measured',
      bytes: byHand,
      container: `${testbed.project}-web-1`,
      unreadable: 0,
      refreshing: false,
    });
  });

  it('measures real content, and reports folders du could not read', async () => {
    const name = await startWeb('mdstor', ['S3_ENABLED=false']);
    // 3000 KiB of data in two files and a folder Mastodon's user may not read (as a root-owned upload cache would be).
    await dockerCli(
      'exec',
      '-u',
      '0',
      name,
      'sh',
      '-c',
      `dd if=/dev/zero of=${MEDIA}/a.bin bs=1024 count=2000 2>/dev/null && mkdir -p ${MEDIA}/accounts && ` +
        `dd if=/dev/zero of=${MEDIA}/accounts/b.bin bs=1024 count=1000 2>/dev/null && ` +
        `mkdir -m 700 ${MEDIA}/private && dd if=/dev/zero of=${MEDIA}/private/c.bin bs=1024 count=64 2>/dev/null`,
    );
    await configure({}, 'mdstor');
    await startMediaMeasurement();
    const measured = mediaFolderStatus();
    const byHand = await duByHand(name);
    expect(byHand).toBeGreaterThanOrEqual(3000 * 1024);
    expect(measured).toMatchObject({ state: 'measured', bytes: byHand, container: name, unreadable: 1 });
    if (measured.state !== 'measured') return;
    expect(measured.problem).toContain('private');
  });

  it('repeats a stale measurement in the background while showing the old one', async () => {
    await configure({}, 'mdstor');
    await startMediaMeasurement();
    const old = mediaFolderStatus();
    if (old.state !== 'measured') throw new Error(JSON.stringify(old));
    expect(old.refreshing).toBe(false);
    // Young: nothing new starts.
    expect(mediaFolderStatus(old.measuredAtMs + MEDIA_MAX_AGE_MS - 1)).toMatchObject({
      refreshing: false,
      measuredAtMs: old.measuredAtMs,
    });
    // Old: the answer is still the old figure, and a measurement runs.
    expect(mediaFolderStatus(old.measuredAtMs + MEDIA_MAX_AGE_MS)).toMatchObject({
      state: 'measured',
      refreshing: true,
      measuredAtMs: old.measuredAtMs,
    });
    await startMediaMeasurement();
    const fresh = mediaFolderStatus();
    if (fresh.state !== 'measured') throw new Error(JSON.stringify(fresh));
    expect(fresh.measuredAtMs).toBeGreaterThan(old.measuredAtMs);
    expect(fresh.refreshing).toBe(false);
  });

  it('says object storage when the web container runs with S3_ENABLED=true', async () => {
    await startWeb('mdstors3', ['S3_ENABLED=true']);
    await configure({}, 'mdstors3');
    expect(mediaFolderStatus().state).toBe('measuring');
    await startMediaMeasurement();
    expect(mediaFolderStatus()).toMatchObject({ state: 'object-storage', container: 'mdstors3-web-1' });
  });

  it('fails with a cause when no web runs, and waits before trying again', async () => {
    await configure({}, 'mdstornone');
    mediaFolderStatus();
    await startMediaMeasurement();
    const failed = mediaFolderStatus();
    expect(failed).toMatchObject({
      state: 'failed',
      error: { code: 'conflict', title: { key: 'media.errors.appStopped.title' } },
      refreshing: false,
    });
  });

  it('shows in the panel without waiting for du', async () => {
    await configure();
    const result = await storagePanel();
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.data.media.state).toBe('measuring');
    await startMediaMeasurement();
    const again = await storagePanel();
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    expect(again.data.media).toMatchObject({ state: 'measured', bytes: await duByHand(`${testbed.project}-web-1`) });
  });
});
