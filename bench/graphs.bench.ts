/**
 * Graph API benchmark (issue 5): GET /api/metrics for 1 h, 24 h and 7 d over a week of Telegraf data at
 * 10 s for one compose project (five services) and the host, beside InfluxDB's own time for the same
 * statements, measured in the same run, alternating request by request.
 *
 * Run: npm run bench:graphs (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_ITERATIONS (timed requests per range and variant, default 30), BENCH_WARMUP (default 3),
 *      BENCH_RESEED=1 (rewrite the bench database even when its seed is fresh).
 *
 * The data goes to its own database, mastodash_bench (the test bed's telegraf database has 10 s points
 * for its last 30 h only). It stays after the run so the next run can reuse it; DROP DATABASE
 * mastodash_bench removes it. The results are printed and written to BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';

import Docker from 'dockerode';

import { projectFilter } from '../lib/docker/labels';
import { containerQueries, hostQueries } from '../lib/metrics/charts';
import { buildInfluxqlStatement, type InfluxqlResponse } from '../lib/metrics/influxql';
import type { QueryWindow } from '../lib/metrics/query-spec';
import { MAX_POINTS_PER_SERIES, resolveRange } from '../lib/metrics/range';
import type { MetricsView } from '../lib/metrics/types';
import type { PanelResult } from '../lib/panels/panel';
import { PRESET_SPAN_MS, type RangePreset } from '../lib/validations/metrics';
import { formatField, linePrefix } from '../scripts/testbed/seed/line-protocol.mjs';
import {
  FIELD_TYPES,
  SEED_STEP_MS,
  SERVICES,
  alignAnchor,
  createTelegrafModel,
  type Measurement,
  type TelegrafModel,
} from '../scripts/testbed/seed/telegraf-model.mjs';
import { plantSession } from '../test/support/next-build';
import { rawRequest, startServer, type RunningServer } from '../test/support/server';
import { readTestbed } from '../test/support/testbed';

const BENCH_DATABASE = 'mastodash_bench';
const MARKER_MEASUREMENT = 'mastodash_bench_seed';
/** The measurements the graphs read (hostQueries, containerQueries); disk, status and health are not seeded. */
const MEASUREMENTS: readonly Measurement[] = [
  'mem',
  'cpu',
  'system',
  'docker_container_mem',
  'docker_container_cpu',
  'docker_container_net',
];
const RANGES = ['1h', '24h', '7d'] as const satisfies readonly RangePreset[];
const HOUR_MS = 3_600_000;
/** Seeded before the longest range, so a reused seed still covers it. */
const SEED_SPAN_MS = PRESET_SPAN_MS['7d'] + HOUR_MS;
/** A seed whose newest point is younger than this is reused (and topped up). */
const FRESH_MS = 30 * 60_000;
/**
 * The seed runs this far past now, so that the newest buckets have data throughout the run, as they do
 * with a running Telegraf. The queries end at now (time < now), so these points are never read early.
 */
const LEAD_MS = 15 * 60_000;
const BATCH_LINES = 5000;
const PARALLEL_WRITES = 4;
const SECTION_TITLE = '## Graph API (issue 5)';
const START_MARK = '<!-- bench:graphs:start -->';
const END_MARK = '<!-- bench:graphs:end -->';

function wholeNumberEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, not ${text}`);
  return value;
}

const iterations = wholeNumberEnv('BENCH_ITERATIONS', 30);
const warmup = wholeNumberEnv('BENCH_WARMUP', 3);
const reseed = process.env.BENCH_RESEED === '1';
const testbed = readTestbed();
const project = testbed.project;
const influxUrl = testbed.influxUrl.replace(/\/+$/, '');
const readerUser = testbed.influxReader.split(':')[0] ?? '';
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
const docker = new Docker(
  testbed.dockerHost.startsWith('unix://')
    ? { socketPath: testbed.dockerHost.slice('unix://'.length) }
    : { host: new URL(testbed.dockerHost).hostname, port: Number(new URL(testbed.dockerHost).port) },
);

// ---------------------------------------------------------------- InfluxDB

type InfluxqlResult = NonNullable<InfluxqlResponse['results']>[number];

/** An admin statement (POST /query); throws on any error. */
async function adminQuery(statement: string, database?: string): Promise<InfluxqlResult[]> {
  const params = new URLSearchParams({ q: statement, epoch: 'ms' });
  if (database) params.set('db', database);
  const response = await fetch(`${influxUrl}/query`, {
    method: 'POST',
    headers: { authorization: basic(testbed.influxAdmin), 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
  });
  const body = (await response.json()) as InfluxqlResponse;
  const error = body.error ?? body.results?.find((result) => result.error)?.error;
  if (!response.ok || error) throw new Error(`InfluxDB refused "${statement}": HTTP ${response.status} ${error ?? ''}`);
  return body.results ?? [];
}

async function writeLines(lines: readonly string[]): Promise<void> {
  const response = await fetch(`${influxUrl}/write?db=${BENCH_DATABASE}&precision=ms`, {
    method: 'POST',
    headers: { authorization: basic(testbed.influxAdmin), 'content-type': 'text/plain; charset=utf-8' },
    body: lines.join('\n'),
  });
  if (response.status !== 204)
    throw new Error(`InfluxDB rejected a batch: HTTP ${response.status} ${(await response.text()).trim()}`);
}

async function influxVersion(): Promise<string> {
  const response = await fetch(`${influxUrl}/ping`);
  await response.body?.cancel();
  return response.headers.get('x-influxdb-version') ?? 'unknown';
}

// ---------------------------------------------------------------- seed

interface SeedMarker {
  anchorMs: number;
  fromMs: number;
  toMs: number;
  project: string;
  /** The full seed: when it was written, how many points, how long it took. */
  seededAtMs: number;
  seedPoints: number;
  seedSeconds: number;
}

interface SeedReport {
  mode: 'seeded' | 'reused';
  marker: SeedMarker;
  series: number;
  /** Points written by this run, and how long this run's seeding took. */
  points: number;
  seconds: number;
}

async function readMarker(): Promise<SeedMarker | undefined> {
  const databases = await adminQuery('SHOW DATABASES');
  const names = (databases[0]?.series?.[0]?.values ?? []).map((row) => row[0]);
  if (!names.includes(BENCH_DATABASE)) return undefined;
  const results = await adminQuery(`SELECT * FROM "${MARKER_MEASUREMENT}" ORDER BY time DESC LIMIT 1`, BENCH_DATABASE);
  const series = results[0]?.series?.[0];
  const row = series?.values?.[0];
  if (!series || !row) return undefined;
  const number = (name: string): number | undefined => {
    const value = row[series.columns.indexOf(name)];
    return typeof value === 'number' ? value : undefined;
  };
  const markerProject = row[series.columns.indexOf('project')];
  const [anchorMs, fromMs, toMs, seededAtMs, seedPoints, seedSeconds] = [
    'anchor_ms',
    'from_ms',
    'to_ms',
    'seeded_at_ms',
    'seed_points',
    'seed_seconds',
  ].map(number);
  if (
    anchorMs === undefined ||
    fromMs === undefined ||
    toMs === undefined ||
    seededAtMs === undefined ||
    seedPoints === undefined ||
    seedSeconds === undefined ||
    typeof markerProject !== 'string'
  ) {
    return undefined;
  }
  return { anchorMs, fromMs, toMs, project: markerProject, seededAtMs, seedPoints, seedSeconds };
}

/** Writes every seeded series at each 10 s step in [fromMs, toMs]; returns the number of points. */
async function writeSpan(model: TelegrafModel, fromMs: number, toMs: number): Promise<number> {
  const prepared = model.series
    .filter((series) => MEASUREMENTS.includes(series.measurement))
    .map((series) => ({
      key: series.key,
      prefix: linePrefix(series),
      types: Object.entries(FIELD_TYPES[series.measurement]),
    }));
  let points = 0;
  let lines: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const flush = async () => {
    const batch = lines;
    lines = [];
    points += batch.length;
    const write: Promise<void> = writeLines(batch).finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= PARALLEL_WRITES) await Promise.race(inFlight);
  };
  for (let t = fromMs; t <= toMs; t += SEED_STEP_MS) {
    for (const { key, prefix, types } of prepared) {
      const fields = model.fieldsAt(key, t);
      const parts: string[] = [];
      for (const [name, type] of types) {
        const value = fields[name];
        if (value !== undefined) parts.push(formatField(name, type, value));
      }
      lines.push(`${prefix}${parts.join(',')} ${t}`);
    }
    if (lines.length >= BATCH_LINES) await flush();
  }
  if (lines.length > 0) await flush();
  await Promise.all(inFlight);
  return points;
}

/** The marker goes last, so a present marker means everything before it made it in. */
async function writeMarker(marker: SeedMarker): Promise<void> {
  await writeLines([
    `${MARKER_MEASUREMENT} anchor_ms=${marker.anchorMs}i,from_ms=${marker.fromMs}i,to_ms=` +
      `${marker.toMs}i,step_ms=${SEED_STEP_MS}i,` +
      `seeded_at_ms=${marker.seededAtMs}i,seed_points=${marker.seedPoints}i,seed_seconds=${marker.seedSeconds}` +
      `,project="${marker.project}" ${marker.toMs}`,
  ]);
}

/**
 * Seeds mastodash_bench up to LEAD_MS past now, or reuses a fresh seed (newest point younger than
 * 30 min) and tops it up.
 */
async function seed(): Promise<SeedReport> {
  const began = performance.now();
  const nowMs = alignAnchor(Date.now());
  const endMs = nowMs + LEAD_MS;
  const previous = reseed ? undefined : await readMarker();
  const fresh =
    previous !== undefined &&
    previous.project === project &&
    previous.toMs >= nowMs - FRESH_MS &&
    previous.fromMs <= nowMs - PRESET_SPAN_MS['7d'];
  let mode: SeedReport['mode'];
  let marker: SeedMarker;
  let points: number;
  if (previous && fresh) {
    const model = createTelegrafModel({ anchorMs: previous.anchorMs, projects: [project] });
    points = previous.toMs < endMs ? await writeSpan(model, previous.toMs + SEED_STEP_MS, endMs) : 0;
    mode = 'reused';
    marker = { ...previous, toMs: Math.max(previous.toMs, endMs) };
  } else {
    await adminQuery(`DROP DATABASE "${BENCH_DATABASE}"`);
    await adminQuery(`CREATE DATABASE "${BENCH_DATABASE}"`);
    if (readerUser) await adminQuery(`GRANT READ ON "${BENCH_DATABASE}" TO "${readerUser}"`);
    const model = createTelegrafModel({ anchorMs: nowMs, projects: [project] });
    const fromMs = nowMs - SEED_SPAN_MS;
    points = await writeSpan(model, fromMs, endMs);
    mode = 'seeded';
    const seedSeconds = Math.round((performance.now() - began) / 100) / 10;
    marker = { anchorMs: nowMs, fromMs, toMs: endMs, project, seededAtMs: Date.now(), seedPoints: points, seedSeconds };
  }
  await writeMarker(marker);
  const series = createTelegrafModel({ anchorMs: marker.anchorMs, projects: [project] }).series.filter((s) =>
    MEASUREMENTS.includes(s.measurement),
  ).length;
  return { mode, marker, series, points, seconds: (performance.now() - began) / 1000 };
}

// ---------------------------------------------------------------- measuring

interface Sample {
  ms: number;
}

interface ApiSample extends Sample {
  totalPoints: number;
  maxPerSeries: number;
  series: number;
  intervalMs: number;
}

interface RawSample extends Sample {
  points: number;
  series: number;
}

/** GET /api/metrics?range=…, checked: 200, ok, InfluxDB as the source, five services, the point bound kept. */
async function apiOnce(server: RunningServer, cookie: string, range: RangePreset): Promise<ApiSample> {
  const began = performance.now();
  const response = await rawRequest(server.port, {
    path: `/api/metrics?range=${range}`,
    headers: { cookie },
    timeoutMs: 60_000,
  });
  const ms = performance.now() - began;
  if (response.status !== 200)
    throw new Error(`/api/metrics?range=${range}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  const result = JSON.parse(response.body) as PanelResult<MetricsView>;
  if (!result.ok) throw new Error(`/api/metrics?range=${range} failed: ${JSON.stringify(result.error)}`);
  const view = result.data;
  if (view.source.kind !== 'influx')
    throw new Error(
      `/api/metrics?range=${range} answered from ${view.source.kind}, not InfluxDB:` +
        ` ${JSON.stringify(view.influxError ?? view.source)}`,
    );
  const services = view.charts.find((chart) => chart.id === 'service-memory')?.series.length ?? 0;
  if (services !== SERVICES.length)
    throw new Error(
      `/api/metrics?range=${range}: ${services} services in Memory per service, not` +
        ` ${SERVICES.length}: ${JSON.stringify(view.notices)}`,
    );
  let totalPoints = 0;
  let maxPerSeries = 0;
  let series = 0;
  for (const chart of view.charts) {
    for (const s of chart.series) {
      series += 1;
      totalPoints += s.points.length;
      maxPerSeries = Math.max(maxPerSeries, s.points.length);
    }
  }
  if (maxPerSeries > MAX_POINTS_PER_SERIES)
    throw new Error(
      `/api/metrics?range=${range}: a series has ${maxPerSeries} points, more than ${MAX_POINTS_PER_SERIES}`,
    );
  return { ms, totalPoints, maxPerSeries, series, intervalMs: view.range.intervalMs };
}

/** The statements the server builds for a range (loadInfluxGraphs: host, and containers by label). */
function statementsFor(range: RangePreset): { host: string[]; containers: string[]; window: QueryWindow } {
  const window = resolveRange({ range }, Date.now());
  return {
    host: hostQueries().map((query) => buildInfluxqlStatement(query, window)),
    containers: containerQueries({ by: 'labels', project }, true).map((query) => buildInfluxqlStatement(query, window)),
    window,
  };
}

/**
 * One GET /query as lib/influx/client.ts sends it (db, epoch=ms, statements joined by ";\n", Basic auth, uncompressed).
 */
async function influxGet(statements: readonly string[]): Promise<{ points: number; series: number }> {
  const url = new URL(`${influxUrl}/query`);
  url.searchParams.set('db', BENCH_DATABASE);
  url.searchParams.set('epoch', 'ms');
  url.searchParams.set('q', statements.join(';\n'));
  const response = await fetch(url, {
    headers: { authorization: basic(testbed.influxReader), 'accept-encoding': 'identity' },
  });
  const text = await response.text();
  const body = JSON.parse(text) as InfluxqlResponse;
  const error = body.error ?? body.results?.find((result) => result.error)?.error;
  if (!response.ok || error) throw new Error(`InfluxDB: HTTP ${response.status} ${error ?? text.slice(0, 300)}`);
  let points = 0;
  let series = 0;
  for (const result of body.results ?? []) {
    for (const s of result.series ?? []) {
      series += 1;
      points += s.values?.length ?? 0;
    }
  }
  return { points, series };
}

/** What the server does: the host and the container statements as two requests at once. */
async function rawAsServer(range: RangePreset): Promise<RawSample> {
  const { host, containers } = statementsFor(range);
  const began = performance.now();
  const [a, b] = await Promise.all([influxGet(host), influxGet(containers)]);
  return { ms: performance.now() - began, points: a.points + b.points, series: a.series + b.series };
}

/** All ten statements in one request. */
async function rawSingle(range: RangePreset): Promise<RawSample> {
  const { host, containers } = statementsFor(range);
  const began = performance.now();
  const answer = await influxGet([...host, ...containers]);
  return { ms: performance.now() - began, ...answer };
}

/**
 * The Docker calls graphsPanel makes beside the InfluxDB queries (containersPanel → listProjectContainers:
 * one list, then one inspect per container), through the same socket.
 */
async function dockerAsServer(): Promise<Sample> {
  const began = performance.now();
  const summaries = await docker.listContainers({ all: true, filters: projectFilter(project) });
  await Promise.all(summaries.map((summary) => docker.getContainer(summary.Id).inspect()));
  return { ms: performance.now() - began };
}

/** Nearest-rank percentile. */
function percentile(samples: readonly Sample[], p: number): number {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface RangeResult {
  range: RangePreset;
  intervalMs: number;
  api: ApiSample[];
  raw: RawSample[];
  single: RawSample[];
  docker: Sample[];
}

async function measureRange(server: RunningServer, cookie: string, range: RangePreset): Promise<RangeResult> {
  for (let i = 0; i < warmup; i += 1) {
    await apiOnce(server, cookie, range);
    await rawAsServer(range);
    await rawSingle(range);
    await dockerAsServer();
  }
  const api: ApiSample[] = [];
  const raw: RawSample[] = [];
  const single: RawSample[] = [];
  const docker: Sample[] = [];
  // Interleaved, so that the API and its baseline see the same conditions.
  for (let i = 0; i < iterations; i += 1) {
    api.push(await apiOnce(server, cookie, range));
    raw.push(await rawAsServer(range));
    single.push(await rawSingle(range));
    docker.push(await dockerAsServer());
  }
  const intervalMs = api[0]?.intervalMs ?? 0;
  if (api.some((s) => s.intervalMs !== intervalMs)) throw new Error(`${range}: the interval changed between requests`);
  return { range, intervalMs, api, raw, single, docker };
}

// ---------------------------------------------------------------- report

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function signedMs(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}

function formatInterval(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

function spread<T>(values: readonly T[], key: (value: T) => number): string {
  const numbers = values.map(key);
  const lo = Math.min(...numbers);
  const hi = Math.max(...numbers);
  return lo === hi ? lo.toLocaleString('en') : `${lo.toLocaleString('en')}–${hi.toLocaleString('en')}`;
}

function table(results: readonly RangeResult[]): string {
  const pair = (samples: readonly Sample[]) =>
    `${formatMs(percentile(samples, 50))} / ${formatMs(percentile(samples, 95))}`;
  const rows = [
    '| Range | Interval | Points returned: total / max per series | InfluxDB rows (series) | API p50 / p95 ms |' +
      ' InfluxDB p50 / p95 ms, as the server asks | InfluxDB p50 / p95 ms, one request | Docker list + inspect p50 /' +
      ' p95 ms | API − InfluxDB at p50 |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const apiP50 = percentile(r.api, 50);
    const rawP50 = percentile(r.raw, 50);
    rows.push(
      `| ${r.range} | ${formatInterval(r.intervalMs)} | ${spread(r.api, (s) => s.totalPoints)} / ` +
        `${spread(r.api, (s) => s.maxPerSeries)} | ` +
        `${spread(r.raw, (s) => s.points)} (${spread(r.raw, (s) => s.series)}) | ${pair(r.api)} | ${pair(r.raw)} | ` +
        `${pair(r.single)} | ${pair(r.docker)} | ` +
        `${signedMs(apiP50 - rawP50)} ms (${(apiP50 / rawP50).toFixed(2)}×) |`,
    );
  }
  return rows.join('\n');
}

/** Sentences that read the numbers, generated so that they always match the table above them. */
function reading(results: readonly RangeResult[]): string {
  const parts = results.map((r) => ({
    r,
    api: percentile(r.api, 50),
    raw: percentile(r.raw, 50),
    docker: percentile(r.docker, 50),
  }));
  const overheads = parts.map((p) => p.api - p.raw);
  const ratios = parts.map((p) => p.api / p.raw);
  const sentences = [
    `At the median the API answers ${parts.map((p) => `${p.r.range} in ${formatMs(p.api)} ms`).join(', ')}; ` +
      `InfluxDB alone takes ${parts.map((p) => `${formatMs(p.raw)} ms`).join(', ')} for the same statements, ` +
      (Math.min(...overheads) >= 0
        ? `so the dashboard adds ${formatMs(Math.min(...overheads))} to ${formatMs(Math.max(...overheads))} ms `
        : `so API − InfluxDB ranges from` +
          ` ${signedMs(Math.min(...overheads))} to ${signedMs(Math.max(...overheads))} ms, within` +
          ` the noise where negative, `) +
      `(${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}× InfluxDB's time).`,
  ];
  const longest = parts[parts.length - 1];
  if (longest) {
    const share = longest.raw / longest.api;
    const bound =
      `The ${longest.r.range} range is bound by InfluxDB, which reads` +
      ` ${(PRESET_SPAN_MS['7d'] / SEED_STEP_MS).toLocaleString('en')} points per ` +
      `series to return at most ${longest.r.api[0]?.maxPerSeries ?? 0}: `;
    sentences.push(
      share >= 1
        ? `${bound}its own ${formatMs(longest.raw)} ms are no shorter than the API's ${formatMs(longest.api)} ms.`
        : share >= 0.6
          ? `${bound}its ${formatMs(longest.raw)} ms are ${(share * 100).toFixed(0)} % of the API's time.`
          : `Even for ${longest.r.range}, InfluxDB's ${formatMs(longest.raw)} ms are only` +
            ` ${(share * 100).toFixed(0)} % of the API's ${formatMs(longest.api)} ms: ` +
            `the dashboard's own work dominates.`,
    );
  }
  const dockerP50 = Math.max(...parts.map((p) => p.docker));
  const shortest = parts[0];
  if (shortest) {
    sentences.push(
      `Docker's container list and inspections, which graphsPanel runs beside the InfluxDB queries when the live` +
        ` topic is not running, take up to ${formatMs(dockerP50)} ms at the median, ` +
        (dockerP50 > shortest.raw
          ? `longer than InfluxDB's ${shortest.r.range} answer, so for short ranges they, not` +
            ` InfluxDB, set the API's floor.`
          : `less than any InfluxDB answer, so they hide behind it.`),
    );
  }
  sentences.push(`No series exceeded ${MAX_POINTS_PER_SERIES} points; every response was ok and came from InfluxDB.`);
  return sentences.join(' ');
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall back to Node's view.
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

function seedSentence(s: SeedReport): string {
  const m = s.marker;
  const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const full =
    `${m.seedPoints.toLocaleString('en')} points, ${s.series} series every 10 s from` +
    ` ${utc(m.fromMs)}, in ${m.seedSeconds.toFixed(1)} s`;
  return s.mode === 'seeded'
    ? `Seeded ${full}; the data runs to ${utc(m.toMs)}, ${LEAD_MS / 60_000} min past the start, so the` +
        ` newest buckets are never empty.`
    : `Reused the seed written at ${utc(m.seededAtMs)} (${full}); topped up to` +
        ` ${utc(m.toMs)} with ${s.points.toLocaleString('en')} points in ${s.seconds.toFixed(1)} s.`;
}

function section(results: readonly RangeResult[], seedReport: SeedReport, version: string, startedAt: Date): string {
  const facts =
    `Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpuModel()}, Node ` +
    `${process.version}, InfluxDB ${version}; ` +
    `${iterations} timed requests per range and column after ${warmup} warm-up rounds,` +
    ` interleaved. ${seedSentence(seedReport)}`;
  return [START_MARK, facts, '', table(results), '', reading(results), END_MARK].join('\n');
}

const INTRO = `# Benchmarks

Performance goals are met here, in benchmarks, not in timed tests. Every figure stands beside its baseline
measured in the same run on the same machine. One section per benchmark; each names its command, which
rewrites the part of its section between its markers.
`;

const SECTION_HEAD = `${SECTION_TITLE}

Command: \`npm run bench:graphs\` (needs the test bed, \`npm run testbed:up\`, and \`npm run build\`).
\`BENCH_ITERATIONS\` (default 30) sets the timed requests per range, \`BENCH_RESEED=1\` rewrites the data.

It seeds the database \`${BENCH_DATABASE}\` with 7 days and 1 hour of Telegraf data every 10 s, up to
15 min past now (the test bed's model, scripts/testbed/seed/telegraf-model.mjs), for the host (mem, cpu,
system) and one compose project with five services (docker_container_mem, _cpu, _net), starts the
production build against it and asks \`GET /api/metrics?range=…\` with a session, one request at a time.
Beside each request, in the same run, it sends InfluxDB the statements the server builds for the same
window directly: as the server sends them (host and container statements as two requests at once) and as
one request. It also times, from its own process, the Docker calls a cold API request makes beside its
queries (list the project's containers, inspect each); requests in a row find the live topic that the
first one started and make none (see the home page benchmark). A seed younger
than 30 min is reused and topped up; the database stays after the run (\`DROP DATABASE ${BENCH_DATABASE}\` removes it).
`;

function updateBenchmarksFile(generated: string): string {
  const file = path.resolve('BENCHMARKS.md');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = INTRO;
  }
  const start = text.indexOf(START_MARK);
  const end = text.indexOf(END_MARK);
  if (start !== -1 && end > start) {
    text = `${text.slice(0, start)}${generated}${text.slice(end + END_MARK.length)}`;
  } else {
    text = `${text.replace(/\n*$/, '\n')}\n${SECTION_HEAD}\n${generated}\n`;
  }
  writeFileSync(file, text);
  return file;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  const version = await influxVersion();
  console.log(
    `graphs bench: InfluxDB ${version} at ${influxUrl}, project ${project}, ` +
      `${iterations} iterations, ${warmup} warm-up`,
  );
  const seedReport = await seed();
  console.log(seedSentence(seedReport));

  const dataDir = mkdtempSync(path.join(tmpdir(), 'mastodash-bench-'));
  let server: RunningServer | undefined;
  try {
    server = await startServer(
      {
        DASHBOARD_PASSWORD: 'bench-password-long-enough',
        COMPOSE_PROJECT: project,
        INFLUX_URL: influxUrl,
        INFLUX_TOKEN: testbed.influxReader,
        INFLUX_DB: BENCH_DATABASE,
      },
      dataDir,
    );
    const { cookie } = plantSession(dataDir);
    const results: RangeResult[] = [];
    for (const r of RANGES) {
      const result = await measureRange(server, cookie, r);
      results.push(result);
      console.log(
        `${r}: API p50 ${formatMs(percentile(result.api, 50))} ms, InfluxDB p50` +
          ` ${formatMs(percentile(result.raw, 50))} ms`,
      );
    }
    const generated = section(results, seedReport, version, startedAt);
    console.log(`\n${table(results)}\n\n${reading(results)}\n`);
    console.log(`updated ${updateBenchmarksFile(generated)}`);
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`graphs bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
