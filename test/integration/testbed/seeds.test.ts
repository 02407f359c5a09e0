import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CONTAINER_MEASUREMENTS,
  FIELD_TYPES,
  HOST_MEASUREMENTS,
  LABEL_FREE_PROJECTS,
  SEED_MARKER_MEASUREMENT,
  SEED_SPAN_MS,
  UNHEALTHY_BEFORE_CRASH_MS,
  containerNameOf,
  createTelegrafModel,
  seriesKeyOf,
  type Gap,
  type Measurement,
  type TelegrafModel,
} from '../../../scripts/testbed/seed/telegraf-model.mjs';
import {
  ANCHOR_KEY,
  CACHED_SETTINGS,
  HEARTBEAT_TTL_S,
  LAYOUTS,
  PROCESS,
  PROCESS_IDENTITY,
  QUEUES,
  QUEUE_JOB_AGES_S,
  STATS,
  cachedSettingValue,
  deadEntries,
  keysOf,
  processInfo,
  retryEntries,
  scheduleEntries,
  sidekiqTime,
  utcDay,
  type CachedSetting,
  type Layout,
} from '../../../scripts/testbed/seed/redis-model.mjs';
import { readTestbed } from '../../support/testbed';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The read-only user of the contract (scripts/testbed/README.md); querying as it also proves the READ grant. */
const INFLUX_READER = { user: 'dashboard', password: 'testbed-influx-pass' };
const INFLUX_SEED_FILE = '/run/mastodash-testbed/influx-seed.json';

const testbed = readTestbed();

const influxResponse = z.object({
  results: z.array(
    z.object({
      error: z.string().optional(),
      series: z
        .array(
          z.object({
            name: z.string().optional(),
            tags: z.record(z.string(), z.string()).optional(),
            columns: z.array(z.string()),
            values: z.array(z.array(z.unknown())).optional(),
          }),
        )
        .optional(),
    }),
  ),
});
type InfluxSeries = NonNullable<z.infer<typeof influxResponse>['results'][number]['series']>[number];

async function influx(statement: string): Promise<InfluxSeries[]> {
  const url = new URL('/query', testbed.influxUrl);
  url.search = new URLSearchParams({ db: 'telegraf', epoch: 'ms', q: statement }).toString();
  const auth = Buffer.from(`${INFLUX_READER.user}:${INFLUX_READER.password}`).toString('base64');
  const response = await fetch(url, { headers: { authorization: `Basic ${auth}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`InfluxQL "${statement}" failed: HTTP ${response.status} ${text}`);
  const [result] = influxResponse.parse(JSON.parse(text)).results;
  if (!result) throw new Error(`InfluxQL "${statement}" returned no result`);
  if (result.error) throw new Error(`InfluxQL "${statement}" failed: ${result.error}`);
  return result.series ?? [];
}

/** Rows of the single series a statement returns, as column → value records. */
async function rows(statement: string): Promise<Record<string, unknown>[]> {
  const series = await influx(statement);
  expect(series.length, `"${statement}" should return at most one series`).toBeLessThanOrEqual(1);
  const [only] = series;
  if (!only) return [];
  return (only.values ?? []).map((row) => Object.fromEntries(only.columns.map((column, i) => [column, row[i]])));
}

async function scalar(statement: string, column: string): Promise<number | undefined> {
  const [row] = await rows(statement);
  const value = row?.[column];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number')
    throw new Error(`"${statement}" gave ${column}=${JSON.stringify(value)}, not a number`);
  return value;
}

/** InfluxQL time range, half-open like the model's. */
function between(fromMs: number, toMs: number): string {
  return `time >= ${fromMs}ms AND time < ${toMs}ms`;
}

/** WHERE clause selecting exactly one model series (by container_name, which every container series has). */
function seriesFilter(model: TelegrafModel, key: string): string {
  const series = model.getSeries(key);
  return series.containerName === undefined ? 'true' : `"container_name" = '${series.containerName}'`;
}

function firstField(measurement: Measurement): string {
  const [field] = Object.keys(FIELD_TYPES[measurement]);
  if (!field) throw new Error(`no fields modelled for ${measurement}`);
  return field;
}

async function countIn(model: TelegrafModel, key: string, fromMs: number, toMs: number): Promise<number> {
  const { measurement } = model.getSeries(key);
  const filter = seriesFilter(model, key);
  const statement =
    `SELECT count("${firstField(measurement)}") FROM "${measurement}" WHERE ${filter}` +
    ` AND ${between(fromMs, toMs)}`;
  return (await scalar(statement, 'count')) ?? 0;
}

function expectClose(actual: number | undefined, expected: number | undefined, what: string): void {
  expect(expected, `model has no points for ${what}`).toBeDefined();
  expect(actual, `InfluxDB has no points for ${what}`).toBeDefined();
  if (actual === undefined || expected === undefined) return;
  expect(Math.abs(actual - expected), `${what}: InfluxDB ${actual}, model ${expected}`).toBeLessThanOrEqual(
    Math.abs(expected) * 1e-9,
  );
}

describe('InfluxDB seed (Telegraf shape)', () => {
  let model: TelegrafModel;

  beforeAll(async () => {
    const [marker] = await rows(`SELECT "anchor_ms", "span_ms", "projects" FROM "${SEED_MARKER_MEASUREMENT}"`);
    if (!marker) throw new Error(`${SEED_MARKER_MEASUREMENT} is empty: run node scripts/testbed/seed/influx.mjs`);
    const anchorMs = z.number().int().parse(marker.anchor_ms);
    expect(marker.span_ms).toBe(SEED_SPAN_MS);
    const projects = z.string().parse(marker.projects).split(' ');
    model = createTelegrafModel({ anchorMs, projects });
  });

  it('records the anchor in the database and in the seed file', async () => {
    const seedFile = z
      .object({ anchorMs: z.number(), points: z.number() })
      .parse(JSON.parse(await readFile(INFLUX_SEED_FILE, 'utf8')));
    expect(seedFile.anchorMs).toBe(model.anchorMs);
    expect(model.projects).toEqual(expect.arrayContaining([testbed.project, testbed.otherProject]));
  });

  it('has exactly the modelled measurements', async () => {
    const [measurements] = await influx('SHOW MEASUREMENTS');
    const names = (measurements?.values ?? []).map(([name]) => name);
    expect(names.sort()).toEqual([...HOST_MEASUREMENTS, ...CONTAINER_MEASUREMENTS, SEED_MARKER_MEASUREMENT].sort());
  });

  it.each([...HOST_MEASUREMENTS, ...CONTAINER_MEASUREMENTS])(
    '%s has Telegraf’s field names and types',
    async (measurement) => {
      const fields = await rows(`SHOW FIELD KEYS FROM "${measurement}"`);
      const actual = Object.fromEntries(fields.map((f) => [f.fieldKey, f.fieldType]));
      expect(actual).toEqual(FIELD_TYPES[measurement]);
    },
  );

  it.each([...HOST_MEASUREMENTS, ...CONTAINER_MEASUREMENTS])('%s has Telegraf’s tag keys', async (measurement) => {
    const tags = await rows(`SHOW TAG KEYS FROM "${measurement}"`);
    const expected = new Set(
      model.series.filter((s) => s.measurement === measurement).flatMap((s) => Object.keys(s.tags)),
    );
    expect(tags.map((t) => t.tagKey).sort()).toEqual([...expected].sort());
  });

  it('has exactly the modelled series, tag for tag', async () => {
    const series = await rows('SHOW SERIES');
    const actual = series.map((s) => String(s.key)).filter((key) => !key.startsWith(SEED_MARKER_MEASUREMENT));
    const expected = model.series.map((s) => {
      const tags = Object.keys(s.tags)
        .sort()
        .map((k) => `${k}=${s.tags[k] ?? ''}`);
      return [s.measurement, ...tags].join(',');
    });
    expect(actual.sort()).toEqual(expected.sort());
    expect(actual).toContain(
      'docker_container_cpu,com.docker.compose.project=mdtest,com.docker.compose.service=web,' +
        'container_image=ghcr.io/mastodon/mastodon,container_name=mdtest-web-1,container_status=running,' +
        'container_version=v4.3.17,cpu=cpu-total,engine_host=mastodon-host,' +
        'host=mastodon-host,server_version=20.10.24+dfsg1',
    );
  });

  it('writes the labels-free project without com.docker.compose.* tags', async () => {
    for (const project of model.projects.filter((p) => LABEL_FREE_PROJECTS.includes(p))) {
      const name = containerNameOf(project, 'web');
      const tags = await rows(`SHOW TAG KEYS FROM "docker_container_mem" WHERE "container_name" = '${name}'`);
      const keys = tags.map((t) => String(t.tagKey));
      expect(keys).toContain('container_name');
      expect(keys.filter((k) => k.startsWith('com.docker.compose.'))).toEqual([]);
      const byLabel =
        `SELECT count("usage") FROM "docker_container_mem" WHERE` + ` "com.docker.compose.project" = '${project}'`;
      expect(await scalar(byLabel, 'count')).toBeUndefined();
      const byName = `SELECT count("usage") FROM "docker_container_mem" WHERE "container_name" =~ /^${project}-/`;
      expect(await scalar(byName, 'count')).toBeGreaterThan(0);
    }
  });

  it('has one point per grid step over the whole span: 60 s up to 30 h ago, 10 s since', async () => {
    for (const key of ['mem', seriesKeyOf('docker_container_mem', containerNameOf(testbed.project, 'web'))]) {
      const expected = model.timestamps().filter((t) => model.isSeeded(key, t)).length;
      expect(await countIn(model, key, model.startMs, model.anchorMs + 1), key).toBe(expected);
    }
    const fine = await rows(`SELECT "used" FROM "mem" WHERE ${between(model.anchorMs - MINUTE, model.anchorMs + 1)}`);
    expect(fine.map((r) => r.time)).toEqual(model.timestamps(model.anchorMs - MINUTE, model.anchorMs + 1));
    const coarse = await rows(`SELECT "used" FROM "mem" WHERE ${between(model.startMs, model.startMs + 5 * MINUTE)}`);
    expect(coarse.map((r) => r.time)).toEqual(model.timestamps(model.startMs, model.startMs + 5 * MINUTE));
  });

  it('host means equal the model: RAM used % and CPU busy %', async () => {
    const { anchorMs } = model;
    const memUsed = await scalar(
      `SELECT mean("used_percent") FROM "mem" WHERE ${between(anchorMs - HOUR, anchorMs)}`,
      'mean',
    );
    expectClose(
      memUsed,
      model.expectedMean('mem', 'used_percent', anchorMs - HOUR, anchorMs),
      'mem used_percent, last hour',
    );
    expect(memUsed).toBeGreaterThan(9.5);
    expect(memUsed).toBeLessThan(12.5);

    const from = anchorMs - 6 * HOUR;
    const busy = await scalar(
      `SELECT 100 - mean("usage_idle") AS busy FROM "cpu" WHERE "cpu" = 'cpu-total' AND ${between(from, anchorMs)}`,
      'busy',
    );
    const idle = model.expectedMean('cpu', 'usage_idle', from, anchorMs);
    expectClose(busy, idle === undefined ? undefined : 100 - idle, 'cpu busy, last 6 h');
    expect(busy).toBeGreaterThan(5);
    expect(busy).toBeLessThan(30);
  });

  it('container means equal the model, by compose label and by container_name', async () => {
    const { anchorMs } = model;
    const web = containerNameOf(testbed.project, 'web');
    // A window spanning coarse and fine data and the web crash.
    const from = anchorMs - 2 * 24 * HOUR;
    const to = anchorMs - 24 * HOUR;
    const webMem = await scalar(
      `SELECT mean("usage") FROM "docker_container_mem" WHERE "com.docker.compose.project" = '${testbed.project}' ` +
        `AND "com.docker.compose.service" = 'web' AND ${between(from, to)}`,
      'mean',
    );
    expectClose(
      webMem,
      model.expectedMean(seriesKeyOf('docker_container_mem', web), 'usage', from, to),
      `${web} memory`,
    );
    expect((webMem ?? 0) / 2 ** 20).toBeCloseTo(600, -2);

    const sidekiq = containerNameOf(testbed.otherProject, 'sidekiq');
    const cpu = await scalar(
      `SELECT mean("usage_percent") FROM "docker_container_cpu" WHERE "cpu" = 'cpu-total' AND` +
        ` "container_name" = '${sidekiq}' ` +
        `AND ${between(model.startMs, anchorMs + 1)}`,
      'mean',
    );
    expectClose(
      cpu,
      model.expectedMean(seriesKeyOf('docker_container_cpu', sidekiq), 'usage_percent', model.startMs, anchorMs + 1),
      sidekiq,
    );

    // GROUP BY time(1m) buckets start on whole minutes; the anchor is only on the 10 s grid.
    const end = Math.floor(anchorMs / MINUTE) * MINUTE;
    const buckets = await influx(
      `SELECT mean("usage") FROM "docker_container_mem" WHERE "container_name" =` +
        ` '${web}' AND ${between(end - 10 * MINUTE, end)} ` +
        'GROUP BY time(1m) fill(none)',
    );
    const values = buckets[0]?.values ?? [];
    expect(values).toHaveLength(10);
    for (const [t, mean] of values) {
      const start = z.number().parse(t);
      const expected = model.expectedMean(seriesKeyOf('docker_container_mem', web), 'usage', start, start + MINUTE);
      expectClose(z.number().parse(mean), expected, `${web} memory, minute from ${start}`);
    }
  });

  it('stores exact point values, including integers beyond 2^53 and strings', async () => {
    const web = containerNameOf(testbed.project, 'web');
    const key = seriesKeyOf('docker_container_status', web);
    const t = model.anchorMs - HOUR;
    const [row] = await rows(
      `SELECT * FROM "docker_container_status" WHERE "container_name" = '${web}' AND time = ${t}ms`,
    );
    const expected = model.fieldsAt(key, t);
    expect(row).toBeDefined();
    for (const [field, value] of Object.entries(expected)) {
      expect(row?.[field], field).toEqual(typeof value === 'bigint' ? Number(value) : value);
    }
    expect(row?.restart_count).toBe(1);
    expect(row?.finished_at).toBe((model.gaps.find((g) => g.name === 'web-crash')?.fromMs ?? 0) * 1e6);
  });

  it('shows the web container unhealthy for 5 minutes before its crash', async () => {
    const web = containerNameOf(testbed.project, 'web');
    const unhealthy = await rows(
      `SELECT "failing_streak" FROM "docker_container_health" WHERE "container_name" =` +
        ` '${web}' AND "health_status" = 'unhealthy' ` +
        `AND ${between(model.startMs, model.anchorMs + 1)}`,
    );
    const crash = model.gaps.find((g) => g.name === 'web-crash');
    expect(crash).toBeDefined();
    const expectedTimes = model.timestamps((crash?.fromMs ?? 0) - UNHEALTHY_BEFORE_CRASH_MS, crash?.fromMs ?? 0);
    expect(unhealthy.map((r) => r.time)).toEqual(expectedTimes);
    expect(unhealthy.at(-1)?.failing_streak).toBe(10);
  });

  describe('documented gaps are empty, with data on both sides', () => {
    const gapCases = (): [string, Gap, string][] =>
      model.gaps.flatMap((gap) => gap.seriesKeys.map((key): [string, Gap, string] => [`${gap.name} ${key}`, gap, key]));

    it('lists the three documented gaps', () => {
      expect(model.gaps.map((g) => g.name)).toEqual(['host-outage', 'web-crash', 'sidekiq-stopped']);
      expect(gapCases()).toHaveLength(HOST_MEASUREMENTS.length + 2 * CONTAINER_MEASUREMENTS.length);
    });

    it('each gap series has no point inside the gap', async () => {
      for (const [label, gap, key] of gapCases()) {
        expect(await countIn(model, key, gap.fromMs, gap.toMs), label).toBe(0);
        const step = model.stepAt(gap.fromMs);
        expect(await countIn(model, key, gap.fromMs - step, gap.fromMs), `${label}: point just before`).toBe(1);
        if (gap.toMs <= model.anchorMs) {
          expect(await countIn(model, key, gap.toMs, gap.toMs + step), `${label}: point just after`).toBe(1);
        }
      }
    });

    it('other series keep their points during the gaps', async () => {
      const streaming = seriesKeyOf('docker_container_mem', containerNameOf(testbed.project, 'streaming'));
      for (const gap of model.gaps) {
        const expected = model.timestamps(gap.fromMs, gap.toMs).length;
        expect(await countIn(model, streaming, gap.fromMs, gap.toMs), gap.name).toBe(expected);
      }
    });
  });
});

function redisFor(layout: Layout): Redis {
  const url = new URL(testbed.redisUrl);
  url.pathname = `/${layout.db}`;
  return new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
}

const execFileAsync = promisify(execFile);

async function runRedisSeeder(...args: string[]): Promise<void> {
  await execFileAsync(process.execPath, ['scripts/testbed/seed/redis.mjs', ...args], {
    env: { ...process.env, REDIS_URL: testbed.redisUrl },
  });
}

describe('Redis seed', () => {
  // Other suites change these keys on purpose (tootctl expires the settings cache), so start from a fresh seed.
  beforeAll(async () => {
    await runRedisSeeder();
  });

  describe.each(Object.values(LAYOUTS))('$name layout (db $db, prefix "$prefix")', (layout) => {
    const redis = redisFor(layout);
    const k = keysOf(layout);
    let anchorMs: number;

    beforeAll(async () => {
      await redis.connect();
      const anchor = await redis.get(ANCHOR_KEY);
      if (!anchor) throw new Error(`${ANCHOR_KEY} missing in db ${layout.db}: run node scripts/testbed/seed/redis.mjs`);
      anchorMs = Number(anchor);
    });
    afterAll(() => {
      redis.disconnect();
    });

    it('lists the Mastodon queues', async () => {
      expect((await redis.smembers(k.queues)).sort()).toEqual([...QUEUES].sort());
    });

    it.each(QUEUES)('queue %s has the modelled jobs, oldest at index -1', async (queue) => {
      const ages = QUEUE_JOB_AGES_S[queue];
      expect(await redis.llen(k.queue(queue))).toBe(ages.length);
      if (ages.length === 0) {
        expect(await redis.exists(k.queue(queue))).toBe(0);
        return;
      }
      const job = z.object({ enqueued_at: z.number(), queue: z.string(), jid: z.string() });
      const oldest = job.parse(JSON.parse((await redis.lindex(k.queue(queue), -1)) ?? ''));
      expect(oldest.queue).toBe(queue);
      expect(oldest.jid).toMatch(/^[0-9a-f]{24}$/);
      const oldestAgeS = Math.max(...ages);
      expect(oldest.enqueued_at).toBe(sidekiqTime(layout, anchorMs - oldestAgeS * 1000));
      const enqueuedMs = layout.timeFormat === 'milliseconds' ? oldest.enqueued_at : oldest.enqueued_at * 1000;
      expect((anchorMs - enqueuedMs) / 1000).toBeCloseTo(oldestAgeS, 6);
      if (layout.timeFormat === 'milliseconds') expect(Number.isInteger(oldest.enqueued_at)).toBe(true);
      else expect(oldest.enqueued_at).toBeLessThan(1e11);
    });

    it('has the default queue 42 s behind at the anchor', async () => {
      const oldest = z
        .object({ enqueued_at: z.number() })
        .parse(JSON.parse((await redis.lindex(k.queue('default'), -1)) ?? ''));
      const seconds = layout.timeFormat === 'milliseconds' ? oldest.enqueued_at / 1000 : oldest.enqueued_at;
      expect(anchorMs / 1000 - seconds).toBeCloseTo(42, 6);
    });

    it('has lifetime and daily counters', async () => {
      expect(await redis.get(k.processed)).toBe(String(STATS.processed));
      expect(await redis.get(k.failed)).toBe(String(STATS.failed));
      expect(await redis.get(k.processedOn(utcDay(anchorMs)))).toBe(String(STATS.processedToday));
      expect(await redis.get(k.failedOn(utcDay(anchorMs)))).toBe(String(STATS.failedToday));
      expect(await redis.ttl(k.processedOn(utcDay(anchorMs)))).toBeGreaterThan(0);
    });

    it('has retry, schedule and dead sorted sets scored in epoch seconds', async () => {
      for (const [key, entries] of [
        [k.retry, retryEntries(layout, anchorMs)],
        [k.schedule, scheduleEntries(layout, anchorMs)],
        [k.dead, deadEntries(layout, anchorMs)],
      ] as const) {
        const stored = await redis.zrange(key, 0, -1, 'WITHSCORES');
        const scores = stored.filter((_, i) => i % 2 === 1).map(Number);
        expect(scores, key).toEqual(entries.map((e) => e.score));
        const members = stored.filter((_, i) => i % 2 === 0).map((m) => JSON.parse(m) as unknown);
        expect(members, key).toEqual(entries.map((e) => JSON.parse(JSON.stringify(e.job)) as unknown));
      }
    });

    it('keeps a live Sidekiq process once --heartbeat refreshed it', async () => {
      const before = Date.now();
      await runRedisSeeder('--heartbeat');
      expect(await redis.smembers(k.processes)).toEqual([PROCESS_IDENTITY]);
      const hash = await redis.hgetall(k.process);
      expect(Object.keys(hash).sort()).toEqual(['beat', 'busy', 'info', 'quiet', 'rss', 'rtt_us']);
      expect(JSON.parse(hash.info ?? '')).toEqual(processInfo(layout, anchorMs));
      expect(Number(hash.beat) * 1000).toBeGreaterThanOrEqual(before - 1000);
      expect(Number(hash.beat) * 1000).toBeLessThanOrEqual(Date.now() + 1000);
      expect(hash.busy).toBe(String(PROCESS.busy));
      expect(hash.quiet).toBe('false');
      const ttl = await redis.ttl(k.process);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HEARTBEAT_TTL_S);
      expect(await redis.hlen(k.processWork)).toBe(PROCESS.busy);
    });

    it.each(Object.keys(CACHED_SETTINGS) as CachedSetting[])(
      'has the Rails settings cache key for %s, found by SCAN',
      async (name) => {
        const found: string[] = [];
        for await (const keys of redis.scanStream({
          match: `${layout.cachePrefix}rails_settings_cached/*/${name}`,
          count: 1000,
        })) {
          found.push(...z.array(z.string()).parse(keys));
        }
        expect(found).toEqual([k.setting(name)]);
        expect(k.setting(name)).toMatch(/rails_settings_cached\/[0-9a-f]{32}\//);
        expect(await redis.getBuffer(k.setting(name))).toEqual(cachedSettingValue(name));
      },
    );
  });
});
