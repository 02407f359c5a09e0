/**
 * The home page's data against the size of the project (issue 8): 5, 50 and 200 containers in the compose
 * project (the test bed's five plus labelled extras that only sleep). For each size it times, one at a
 * time and interleaved:
 * - Docker's own `GET /containers/json` for the project, the baseline;
 * - the home page's first data (containers, health, memory headline, registration mode),
 *   gathered at once by the same lib functions the page awaits, in this process against the same backends;
 * - the whole home page over HTTP (`GET /` until the streamed HTML ends: every panel, rendered by Next);
 * - the smallest page Next serves, `/login` without a session: the framework's own floor on this machine.
 * Target: the data's p95 within 2× the raw Docker call's p95 plus 15 ms at 5 containers, roughly linear after.
 * Two regimes: warm (reads back to back, each finding the live topic the previous read started) and cold
 * (reads 6 s apart, past the topic's grace, so each one starts it and lists the project again).
 *
 * Run: npm run bench:home (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_ITERATIONS (default 30, warm rounds), BENCH_COLD_ROUNDS (default 15, 6 s apart),
 * BENCH_SIZES (default 5,50,200). The results are printed and written to BENCHMARKS.md.
 */
import { request } from 'node:http';

import Docker from 'dockerode';

import { loadConfig, setConfigForTesting } from '../lib/config';
import { COMPOSE_LABELS, projectFilter } from '../lib/docker/labels';
import { inEnglish } from '../lib/i18n/english';
import { text } from '../lib/i18n/text';
import { readRegistrationMode } from '../lib/mastodon/people';
import { containersPanel } from '../lib/panels/containers';
import { healthPanel } from '../lib/panels/health';
import { headlinePanel } from '../lib/panels/metrics';
import { runPanel, type PanelResult } from '../lib/panels/panel';
import { plantSession } from '../test/support/next-build';
import { rawRequest, startServer, type RunningServer } from '../test/support/server';
import { readTestbed, testbedBackendsEnv } from '../test/support/testbed';
import { writeBenchmarkSection } from './support/benchmarks-md';
import { percentile, runHeader } from './support/measure';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? '30');
const SIZES = (process.env.BENCH_SIZES ?? '5,50,200').split(',').map(Number);
const EXTRA_LABEL = 'mastodash.bench-extra';
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? '15');
/** Longer than the live topic's grace period (5 s, lib/live/hub.ts), so that a cold read finds it stopped. */
const COLD_GAP_MS = 6_000;
type Regime = 'warm' | 'cold';
const testbed = readTestbed();
const socketPath = testbed.dockerHost.replace(/^unix:\/\//, '');
const docker = new Docker({ socketPath });

function ordinal(rank: number): string {
  return rank === 1
    ? 'the slowest'
    : rank === 2
      ? 'the second slowest'
      : rank === 3
        ? 'the third slowest'
        : `the ${rank}th slowest`;
}

/** Docker's list for the project, as the dashboard asks it, timed from this process. */
function rawDockerList(): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify(projectFilter(testbed.project)));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: `/v1.41/containers/json?all=1&filters=${filters}` }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

async function timed(server: RunningServer, path: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const answer = await rawRequest(server.port, { path, headers, timeoutMs: 60_000 });
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
  return performance.now() - started;
}

/** The four parts of the home page, at once, as the page awaits them; a failed part fails the run. */
async function homeData(expectedContainers: number): Promise<number> {
  const started = performance.now();
  const parts: PanelResult<unknown>[] = await Promise.all([
    containersPanel(),
    healthPanel(),
    headlinePanel(),
    runPanel(text('errors.panels.registrationMode'), 8_000, readRegistrationMode),
  ]);
  const elapsed = performance.now() - started;
  for (const part of parts)
    if (!part.ok)
      throw new Error(`a home page part failed: ${inEnglish(part.error.title)}: ${inEnglish(part.error.detail)}`);
  const containers = parts[0] as PanelResult<{ containers: unknown[] }>;
  if (containers.ok && containers.data.containers.length !== expectedContainers) {
    throw new Error(`expected ${expectedContainers} containers, the panel listed ${containers.data.containers.length}`);
  }
  return elapsed;
}

async function setExtras(total: number): Promise<void> {
  const existing = await docker.listContainers({ all: true, filters: { label: [EXTRA_LABEL] } });
  const wanted = total - 5;
  for (const container of existing.slice(wanted)) await docker.getContainer(container.Id).remove({ force: true });
  const image = 'redis:7-alpine';
  for (let index = existing.length; index < wanted; index++) {
    const container = await docker.createContainer({
      name: `${testbed.project}-extra${index}-1`,
      Image: image,
      Entrypoint: ['sleep'],
      Cmd: ['86400'],
      Labels: {
        [COMPOSE_LABELS.project]: testbed.project,
        [COMPOSE_LABELS.service]: `extra${index}`,
        [COMPOSE_LABELS.containerNumber]: '1',
        [EXTRA_LABEL]: 'true',
      },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
  }
}

async function main(): Promise<void> {
  const env = testbedBackendsEnv(testbed);
  const server = await startServer({ ...env, DASHBOARD_PASSWORD: 'bench-home-password-long' });
  setConfigForTesting(
    loadConfig({
      env: {
        ...env,
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: testbed.project,
        MASTODON_DIR: testbed.mastodonDir,
        DATA_DIR: server.dataDir,
      },
    }),
  );
  const rows: string[] = [];
  const readings: { size: number; regime: Regime; dataP95: number }[] = [];
  try {
    const { cookie } = plantSession(server.dataDir);
    for (const size of SIZES) {
      await setExtras(size);
      for (const regime of ['warm', 'cold'] as const) {
        const columns: Record<'docker' | 'data' | 'page' | 'floor', number[]> = {
          docker: [],
          data: [],
          page: [],
          floor: [],
        };
        const round = async (record: boolean) => {
          // Cold: the live topics (the server's and this process's) have stopped since the last read.
          if (regime === 'cold') await new Promise((resolve) => setTimeout(resolve, COLD_GAP_MS));
          const timings = {
            docker: await rawDockerList(),
            data: await homeData(size),
            page: await timed(server, '/', { cookie }),
            floor: await timed(server, '/login', {}),
          };
          if (record)
            for (const [name, value] of Object.entries(timings)) columns[name as keyof typeof columns].push(value);
        };
        if (regime === 'warm') for (let i = 0; i < 3; i++) await round(false);
        for (let i = 0; i < (regime === 'warm' ? ITERATIONS : COLD_ROUNDS); i++) await round(true);
        const cell = (values: number[]) =>
          `${percentile(values, 0.5).toFixed(1)} / ${percentile(values, 0.95).toFixed(1)}`;
        const target = 2 * percentile(columns.docker, 0.95) + 15;
        const dataP95 = percentile(columns.data, 0.95);
        readings.push({ size, regime, dataP95 });
        rows.push(
          `| ${size} | ${regime} | ${cell(columns.docker)} | ${cell(columns.data)} | ${target.toFixed(1)} | ` +
            `${dataP95 <= target ? 'met' : 'not met'} | ${cell(columns.page)} | ${cell(columns.floor)} |`,
        );
        console.log(rows[rows.length - 1]);
      }
    }
  } finally {
    setConfigForTesting(undefined);
    await setExtras(5);
    await server.stop();
  }
  const growth = (regime: Regime) => {
    const of = readings.filter((reading) => reading.regime === regime);
    const first = of[0];
    if (!first || of.length < 2) return '';
    return `${regime}: ${of
      .slice(1)
      .map(
        (reading) =>
          `${((reading.dataP95 - first.dataP95) / (reading.size - first.size)).toFixed(2)} ms per container from` +
          ` ${first.size} to ${reading.size}`,
      )
      .join(', ')}`;
  };
  const growths = [growth('warm'), growth('cold')].filter(Boolean);
  const body = [
    `${runHeader()}; one request at a time, interleaved. No browser watches. Warm: ${ITERATIONS} rounds back to back` +
      ` after 3 warm-up rounds, so each read finds the live topic the previous one started. Cold: ${COLD_ROUNDS}` +
      ` rounds ${COLD_GAP_MS / 1000} s apart, longer than the topic's grace, so each read starts it again (one event` +
      ` subscription, one listing, one inspect per container); the p95 of ${COLD_ROUNDS} samples is ` +
      `${ordinal(COLD_ROUNDS - Math.round((COLD_ROUNDS - 1) * 0.95))}.`,
    '',
    '| Containers | Reads | Docker list p50 / p95 ms (baseline) | Home page data p50 / p95 ms | Target for its p95: 2' +
      ' × Docker p95 + 15 ms | Target | Whole home page over HTTP p50 / p95 ms | Smallest' +
      ' page (`/login`) p50 / p95 ms |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    ...(growths.length > 0 ? ['', `Growth of the data's p95: ${growths.join('; ')}.`] : []),
  ].join('\n');
  writeBenchmarkSection('home', body);
}

await main();
