import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { inEnglish } from '@/lib/i18n/english';
import { readSidekiq, type SidekiqReport } from '@/lib/mastodon/sidekiq';
import { healthcheckCommand, healthcheckLine } from '@/lib/mastodon/sidekiq-health-check';
import { sidekiqPanel, type SidekiqPanelData } from '@/lib/panels/sidekiq';
import type { PanelResult } from '@/lib/panels/panel';
import { resetRedisForTesting } from '@/lib/redis/client';
import { english } from '../../support/rendered-texts';
import {
  ANCHOR_KEY,
  DEAD_AT_S,
  LAYOUTS,
  NAMESPACE,
  PROCESS,
  PROCESS_IDENTITY,
  QUEUES,
  QUEUE_JOB_AGES_S,
  RETRY_AT_S,
  SCHEDULE_AT_S,
  STATS,
  keysOf,
  oldestEnqueuedMs,
  utcDay,
  type Layout,
} from '../../../scripts/testbed/seed/redis-model.mjs';
import { readTestbed } from '../../support/testbed';

/**
 * The Sidekiq panel against the test bed's Redis, in its three seeded layouts (scripts/testbed/seed/redis-model.mjs):
 * plain (Sidekiq 7, float seconds, db 0), namespaced (4.3 with REDIS_NAMESPACE, db 0), sidekiq8 (integer ms, db 2).
 * Expected values come from the model. The stale health check is shown on containers of this file's own projects,
 * removed afterwards; the only shared state written is the seeder's own heartbeat refresh.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);
const redisUrl = new URL(testbed.redisUrl);
const REDIS_PARTS = { host: redisUrl.hostname, port: redisUrl.port, password: decodeURIComponent(redisUrl.password) };
const DAY_MS = 86_400_000;

/** This file's own compose-labelled containers (Mastodon 4.5.0 stand-ins, whose process title says Sidekiq 8.0.9). */
const STALE_PROJECT = 'mdsqstale';
const FIXED_PROJECT = 'mdsqfixed';
const OWN_CONTAINERS = [`${STALE_PROJECT}-sidekiq-1`, `${FIXED_PROJECT}-sidekiq-1`, `${FIXED_PROJECT}-sidekiq_any-1`];

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

async function runSidekiqStandIn(project: string, service: string, healthCommand: string): Promise<void> {
  await docker(
    'run',
    '-d',
    '--name',
    `${project}-${service}-1`,
    '--network',
    'none',
    '--label',
    `com.docker.compose.project=${project}`,
    '--label',
    `com.docker.compose.service=${service}`,
    '--label',
    'com.docker.compose.container-number=1',
    '--label',
    'com.docker.compose.oneoff=False',
    '--health-cmd',
    healthCommand,
    '--health-interval',
    '1s',
    '--health-timeout',
    '2s',
    '--health-retries',
    '1',
    '--health-start-period',
    '0s',
    'ghcr.io/mastodon/mastodon:v4.5.0',
    'bundle',
    'exec',
    'sidekiq',
  );
}

async function health(name: string): Promise<string> {
  return docker('inspect', '--format', '{{.State.Health.Status}}', name);
}

async function waitForHealth(name: string, wanted: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await health(name);
    if (last === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not turn ${wanted} within ${timeoutMs} ms (last: ${last})`);
}

async function refreshHeartbeat(): Promise<void> {
  await run(process.execPath, ['scripts/testbed/seed/redis.mjs', '--heartbeat'], {
    env: { ...process.env, REDIS_URL: testbed.redisUrl },
  });
}

async function configure(env: Record<string, string>): Promise<void> {
  await resetRedisForTesting();
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, ...env } }));
}

function clientFor(db: number): Redis {
  const url = new URL(testbed.redisUrl);
  url.pathname = `/${db}`;
  return new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
}

const clients = new Map<number, Redis>();
async function redisDb(db: number): Promise<Redis> {
  let client = clients.get(db);
  if (!client) {
    client = clientFor(db);
    await client.connect();
    clients.set(db, client);
  }
  return client;
}

async function anchorOf(layout: Layout): Promise<number> {
  const anchor = await (await redisDb(layout.db)).get(ANCHOR_KEY);
  if (!anchor)
    throw new Error(
      `${ANCHOR_KEY} missing in db ${layout.db}: the test bed's Redis is not seeded (node ` +
        `scripts/testbed/seed/redis.mjs)`,
    );
  return Number(anchor);
}

function ok(result: PanelResult<SidekiqPanelData>): SidekiqPanelData {
  if (!result.ok) throw new Error(`the panel failed: ${result.error.title}: ${result.error.detail}`);
  return result.data;
}

/** Checks a report against the model of a layout, with the report's own reading time. */
async function expectLayout(report: SidekiqReport, layout: Layout, required: string[]): Promise<void> {
  const anchorMs = await anchorOf(layout);
  const now = report.readAtMs;
  expect(report.prefix).toBe(layout.prefix);

  expect(report.queues.map((q) => q.name)).toEqual([...QUEUES]);
  for (const queue of report.queues) {
    const name = queue.name as (typeof QUEUES)[number];
    const oldest = oldestEnqueuedMs(name, anchorMs);
    expect(queue.size, name).toBe(QUEUE_JOB_AGES_S[name].length);
    expect(queue.required, name).toBe(required.includes(name));
    if (oldest === undefined) {
      expect(queue, name).toMatchObject({ latencySeconds: null });
      expect(queue.enqueuedAtFormat).toBeUndefined();
    } else {
      expect(queue.enqueuedAtFormat, name).toBe(layout.timeFormat);
      expect(queue.latencySeconds, name).toBeCloseTo((now - oldest) / 1000, 6);
    }
  }
  // The ingress queue's oldest job is 95 s older than the anchor: the one a glance must flag.
  expect(report.queues.find((q) => q.name === 'ingress')?.latencySeconds).toBeGreaterThanOrEqual(95);
  expect(report.enqueued).toBe(Object.values(QUEUE_JOB_AGES_S).reduce((sum, ages) => sum + ages.length, 0));

  const today = utcDay(now);
  expect(report.stats.day).toBe(today);
  const daily: Record<string, [number, number]> = {
    [utcDay(anchorMs)]: [STATS.processedToday, STATS.failedToday],
    [utcDay(anchorMs - DAY_MS)]: [STATS.processedYesterday, STATS.failedYesterday],
  };
  const [processedToday, failedToday] = daily[today] ?? [0, 0];
  expect(report.stats).toEqual({
    processed: STATS.processed,
    failed: STATS.failed,
    day: today,
    processedToday,
    failedToday,
  });
  expect(report.sets).toEqual({ retry: RETRY_AT_S.length, scheduled: SCHEDULE_AT_S.length, dead: DEAD_AT_S.length });

  const beat = Number(await (await redisDb(layout.db)).hget(keysOf(layout).process, 'beat'));
  expect(report.goneProcesses).toBe(0);
  expect(report.processes).toHaveLength(1);
  const [proc] = report.processes;
  expect(proc).toMatchObject({
    identity: PROCESS_IDENTITY,
    hostname: PROCESS.hostname,
    pid: PROCESS.pid,
    tag: PROCESS.tag,
    queues: [...QUEUES],
    concurrency: PROCESS.concurrency,
    busy: PROCESS.busy,
    quiet: false,
    rssKb: PROCESS.rssKb,
  });
  expect(proc?.version).toBe(layout.sidekiqVersion.startsWith('6.') ? undefined : layout.sidekiqVersion);
  expect(proc?.beatAtMs).toBeCloseTo(beat * 1000, 1);
  expect(proc?.beatAgeSeconds).toBeCloseTo((now - beat * 1000) / 1000, 4);
  expect(proc?.beatAgeSeconds).toBeLessThan(60);
  expect(proc?.startedAtMs).toBeCloseTo(anchorMs - PROCESS.startedAgoS * 1000, 1);
  expect(report.missingQueues).toEqual(required.filter((queue) => !QUEUES.includes(queue as (typeof QUEUES)[number])));
}

const BASE_QUEUES = ['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress'];

beforeAll(async () => {
  await docker('rm', '-f', ...OWN_CONTAINERS).catch(() => '');
  // What the 4.3 compose file gives a container after YAML: `grep '[s]idekiq 6'`.
  await runSidekiqStandIn(STALE_PROJECT, 'sidekiq', "ps aux | grep '[s]idekiq 6' || false");
  await runSidekiqStandIn(FIXED_PROJECT, 'sidekiq', healthcheckCommand(8));
  await runSidekiqStandIn(FIXED_PROJECT, 'sidekiq_any', healthcheckCommand('any'));
  await waitForHealth(`${STALE_PROJECT}-sidekiq-1`, 'unhealthy');
  await waitForHealth(`${FIXED_PROJECT}-sidekiq-1`, 'healthy');
  await waitForHealth(`${FIXED_PROJECT}-sidekiq_any-1`, 'healthy');
}, 90_000);

beforeEach(async () => {
  // The seeded heartbeat expires 60 s after it was written, as Sidekiq's does.
  await refreshHeartbeat();
});

afterAll(async () => {
  await docker('rm', '-f', ...OWN_CONTAINERS).catch(() => '');
  for (const client of clients.values()) client.disconnect();
  await resetRedisForTesting();
  setConfigForTesting(undefined);
}, 60_000);

describe('Sidekiq from Redis, in the three seeded layouts', () => {
  it('plain (4.4.4, Sidekiq 7, float seconds): sizes, latencies, counters, sets, process, missing fasp', async () => {
    await configure({
      COMPOSE_PROJECT: testbed.otherProject,
      MASTODON_DIR: path.join(projectsDir, testbed.otherProject),
    });
    const data = ok(await sidekiqPanel());
    // Sidekiq runs web's image, so web's instance API answers for it too.
    expect(data.version).toMatchObject({
      version: { text: '4.4.4' },
      source: expect.stringMatching(/^the instance API at http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(data.report.namespace).toEqual({ mode: 'none' });
    expect(data.report.redis).toBe(`${REDIS_PARTS.host}:${REDIS_PARTS.port}/0`);
    await expectLayout(data.report, LAYOUTS.plain, [...BASE_QUEUES, 'fasp']);
    expect(data.report.missingQueues).toEqual(['fasp']);
    expect(data.report.warnings.map((w) => w.code)).toEqual(['missing_queues']);
    expect(data.healthChecks).toEqual([]);
    expect(data.dockerError).toBeUndefined();
  });

  it('namespaced (Mastodon 4.3.17 with REDIS_NAMESPACE): every key under the namespace, nothing missing', async () => {
    await configure({
      COMPOSE_PROJECT: testbed.project,
      MASTODON_DIR: testbed.mastodonDir,
      REDIS_NAMESPACE: NAMESPACE,
    });
    const data = ok(await sidekiqPanel());
    expect(data.version.version?.text).toBe('4.3.17');
    expect(data.report.namespace).toEqual({ mode: 'applied', namespace: NAMESPACE });
    await expectLayout(data.report, LAYOUTS.namespaced, BASE_QUEUES);
    expect(data.report.warnings).toEqual([]);
    expect(data.healthChecks).toEqual([]);
  });

  it('sidekiq8 (4.5, integer milliseconds) through SIDEKIQ_REDIS_*, which REDIS_* does not reach', async () => {
    await configure({
      COMPOSE_PROJECT: FIXED_PROJECT,
      // A main Redis that does not exist: only SIDEKIQ_REDIS_* may be used.
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: '1',
      SIDEKIQ_REDIS_HOST: REDIS_PARTS.host,
      SIDEKIQ_REDIS_PORT: REDIS_PARTS.port,
      SIDEKIQ_REDIS_DB: String(LAYOUTS.sidekiq8.db),
      SIDEKIQ_REDIS_PASSWORD: REDIS_PARTS.password,
    });
    const data = ok(await sidekiqPanel());
    expect(data.version.version?.text).toBe('4.5.0');
    expect(data.report.redis).toBe(`${REDIS_PARTS.host}:${REDIS_PARTS.port}/2`);
    await expectLayout(data.report, LAYOUTS.sidekiq8, [...BASE_QUEUES, 'fasp']);
    // Both corrected checks pass on the Sidekiq 8 image, so nothing is diagnosed.
    expect(data.healthChecks).toEqual([]);
  });

  it('latency is the same moment read in either format: the layouts were seeded from one anchor', async () => {
    await configure({
      COMPOSE_PROJECT: 'mdsqnone',
      REDIS_HOST: REDIS_PARTS.host,
      REDIS_PORT: REDIS_PARTS.port,
      REDIS_PASSWORD: REDIS_PARTS.password,
    });
    const plain = await readSidekiq({ nowMs: (await anchorOf(LAYOUTS.plain)) + 1_000 });
    await configure({
      COMPOSE_PROJECT: 'mdsqnone',
      SIDEKIQ_REDIS_URL: `redis://:${encodeURIComponent(REDIS_PARTS.password)}@${REDIS_PARTS.host}:${REDIS_PARTS.port}/2`,
    });
    const ms = await readSidekiq({ nowMs: (await anchorOf(LAYOUTS.sidekiq8)) + 1_000 });
    for (const name of ['default', 'push', 'ingress', 'mailers'] as const) {
      const expected = Math.max(...QUEUE_JOB_AGES_S[name]) + 1;
      expect(plain.queues.find((q) => q.name === name)?.latencySeconds, `${name} (seconds)`).toBeCloseTo(expected, 6);
      expect(ms.queues.find((q) => q.name === name)?.latencySeconds, `${name} (ms)`).toBe(expected);
    }
  });
});

describe('REDIS_NAMESPACE, by version', () => {
  it('is ignored on 4.4+, with a warning to remove it', async () => {
    await configure({
      COMPOSE_PROJECT: testbed.otherProject,
      MASTODON_DIR: path.join(projectsDir, testbed.otherProject),
      REDIS_NAMESPACE: NAMESPACE,
    });
    const data = ok(await sidekiqPanel());
    expect(data.report.namespace).toEqual({ mode: 'ignored', namespace: NAMESPACE });
    await expectLayout(data.report, LAYOUTS.plain, [...BASE_QUEUES, 'fasp']);
    expect(data.report.warnings.map((w) => w.code)).toEqual(['namespace_ignored', 'missing_queues']);
  });

  it('is judged from the keys when no container names the version', async () => {
    const redisEnv = {
      REDIS_HOST: REDIS_PARTS.host,
      REDIS_PORT: REDIS_PARTS.port,
      REDIS_PASSWORD: REDIS_PARTS.password,
    };
    await configure({ COMPOSE_PROJECT: 'mdsqnone', REDIS_NAMESPACE: NAMESPACE, ...redisEnv });
    const found = ok(await sidekiqPanel());
    expect(english(found.version)).toEqual({ problem: 'no web or sidekiq container in project mdsqnone' });
    expect(found.report.namespace).toEqual({ mode: 'detect', namespace: NAMESPACE });
    await expectLayout(found.report, LAYOUTS.namespaced, BASE_QUEUES);
    expect(found.report.warnings.map((w) => w.code)).toEqual(['namespace_guessed']);

    await configure({ COMPOSE_PROJECT: 'mdsqnone', REDIS_NAMESPACE: 'mdsq_absent', ...redisEnv });
    const absent = ok(await sidekiqPanel());
    await expectLayout(absent.report, LAYOUTS.plain, BASE_QUEUES);
  });
});

describe('stopped processes, odd jobs, queues nobody works (keys of this test, in a namespace of its own)', () => {
  const ns = `mdsq_scratch_${process.pid}`;
  let redis: Redis;
  const written: string[] = [];

  beforeAll(async () => {
    redis = await redisDb(0);
    const p = `${ns}:`;
    expect(await redis.keys(`${p}*`)).toEqual([]);
    const nowS = Date.now() / 1000;
    const tx = redis.multi();
    tx.sadd(`${p}queues`, 'default', 'push', 'zz_custom');
    tx.lpush(`${p}queue:default`, JSON.stringify({ class: 'A', jid: 'a' }));
    // Mid-upgrade to Sidekiq 8: the oldest job still in float seconds, a newer one in ms.
    tx.lpush(
      `${p}queue:push`,
      JSON.stringify({ class: 'B', enqueued_at: nowS - 300 }),
      JSON.stringify({ class: 'B', enqueued_at: Math.round(nowS * 1000) - 5_000 }),
    );
    tx.lpush(`${p}queue:zz_custom`, 'not json');
    tx.sadd(`${p}processes`, 'gone-host:1:aa', 'alive-host:2:bb');
    tx.hset(`${p}alive-host:2:bb`, {
      info: JSON.stringify({ hostname: 'alive-host', pid: 2, concurrency: 5, queues: ['default', 'default'] }),
      busy: '5',
      beat: String(nowS),
      quiet: 'true',
    });
    tx.expire(`${p}alive-host:2:bb`, 120);
    tx.set(`${p}stat:processed`, '10');
    await tx.exec();
    written.push(
      ...[
        'queues',
        'queue:default',
        'queue:push',
        'queue:zz_custom',
        'processes',
        'alive-host:2:bb',
        'stat:processed',
      ].map((k) => `${p}${k}`),
    );
  });

  afterAll(async () => {
    await redis.unlink(...written);
    expect(await redis.keys(`${ns}:*`)).toEqual([]);
  });

  it('reports them as Sidekiq would, with warnings', async () => {
    await configure({ COMPOSE_PROJECT: testbed.project, MASTODON_DIR: testbed.mastodonDir, REDIS_NAMESPACE: ns });
    const data = ok(await sidekiqPanel());
    const { report } = data;
    expect(report.prefix).toBe(`${ns}:`);
    expect(report.queues.map((q) => [q.name, q.size, q.problem])).toEqual([
      ['default', 1, 'the oldest job has no enqueued_at'],
      ['push', 2, undefined],
      ['zz_custom', 1, 'the oldest job is not JSON'],
    ]);
    const push = report.queues.find((q) => q.name === 'push');
    expect(push?.enqueuedAtFormat).toBe('seconds');
    expect(push?.latencySeconds).toBeGreaterThanOrEqual(300);
    expect(push?.latencySeconds).toBeLessThan(330);
    expect(report.queues.find((q) => q.name === 'zz_custom')?.required).toBe(false);
    expect(report.stats).toMatchObject({ processed: 10, failed: 0, processedToday: 0, failedToday: 0 });
    expect(report.sets).toEqual({ retry: 0, scheduled: 0, dead: 0 });
    expect(report.goneProcesses).toBe(1);
    expect(report.processes).toEqual([
      expect.objectContaining({
        identity: 'alive-host:2:bb',
        queues: ['default'],
        busy: 5,
        concurrency: 5,
        quiet: true,
      }),
    ]);
    expect(report.missingQueues).toEqual(['push', 'mailers', 'pull', 'scheduler', 'ingress']);
    expect(report.warnings.map((w) => w.code)).toEqual(['missing_queues', 'quiet_processes']);

    await redis.unlink(`${ns}:alive-host:2:bb`);
    const none = ok(await sidekiqPanel()).report;
    expect(none.goneProcesses).toBe(2);
    expect(none.processes).toEqual([]);
    expect(none.warnings).toEqual([
      expect.objectContaining({
        code: 'no_processes',
        tone: 'bad',
        message: expect.stringContaining('2 registered processes stopped beating'),
      }),
    ]);
  });
});

describe('the stale compose health check', () => {
  it('Docker calls Sidekiq 8 unhealthy, Redis shows it alive: the check greps 6, the fix greps 8', async () => {
    await configure({
      COMPOSE_PROJECT: STALE_PROJECT,
      SIDEKIQ_REDIS_URL: `redis://:${encodeURIComponent(REDIS_PARTS.password)}@${REDIS_PARTS.host}:${REDIS_PARTS.port}/${LAYOUTS.sidekiq8.db}`,
    });
    const data = ok(await sidekiqPanel());
    expect(data.version.version?.text).toBe('4.5.0');
    await expectLayout(data.report, LAYOUTS.sidekiq8, [...BASE_QUEUES, 'fasp']);
    expect(data.healthChecks).toHaveLength(1);
    const [diagnosis] = data.healthChecks;
    expect(diagnosis).toMatchObject({
      kind: 'stale_check',
      certainty: 'confirmed',
      service: 'sidekiq',
      containers: [`${STALE_PROJECT}-sidekiq-1`],
      imageSidekiqMajor: 8,
      checkSidekiqMajor: 6,
      lastProbe: { exitCode: 1, output: '' },
      fix: { line: healthcheckLine(8), agnosticLine: healthcheckLine('any'), apply: 'docker compose up -d sidekiq' },
    });
    expect(diagnosis?.heartbeatAgeSeconds).toBeLessThan(60);
    expect(inEnglish(diagnosis!.message)).toContain('Mastodon 4.5.0) ships Sidekiq 8');
    // Only what the check greps for leaves the server, never its text.
    expect(JSON.stringify(data)).not.toContain('[s]idekiq 6');
  });

  it('both suggested lines, as Compose hands them to Docker, keep the same Sidekiq 8 image healthy', async () => {
    const unquote = (line: string) => (/"(.*)"\]$/.exec(line)?.[1] ?? '').replace(/\\ /g, ' ');
    expect(unquote(healthcheckLine(8))).toBe(healthcheckCommand(8));
    expect(unquote(healthcheckLine('any'))).toBe(healthcheckCommand('any'));
    // beforeAll started these two with exactly those commands.
    expect(await health(`${FIXED_PROJECT}-sidekiq-1`)).toBe('healthy');
    expect(await health(`${FIXED_PROJECT}-sidekiq_any-1`)).toBe('healthy');
  });

  it('mdtest (4.3.17, check greps 6, image ships 6) is healthy and nothing is diagnosed', async () => {
    await configure({ COMPOSE_PROJECT: testbed.project, MASTODON_DIR: testbed.mastodonDir });
    expect(await health(`${testbed.project}-sidekiq-1`)).toBe('healthy');
    expect(ok(await sidekiqPanel()).healthChecks).toEqual([]);
  });
});
