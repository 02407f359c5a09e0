/**
 * The home page's data against the size of the project (issue 8): 5, 50 and 200 containers in the compose
 * project (the test bed's five plus labelled extras that only sleep). For each size it times, one request
 * at a time and interleaved:
 * - Docker's own `GET /containers/json` for the project, the baseline;
 * - the whole home page (`GET /` until the streamed HTML ends: containers, health, memory headline,
 *   registration mode and the other vital signs);
 * - each of its panels' own API (`/api/panels/<name>`), to show where the time goes.
 * Target: p95 within 2× the raw Docker call plus 15 ms at 5 containers, and roughly linear growth after.
 *
 * Run: npm run bench:home (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_ITERATIONS (default 30). The results are printed and written to BENCHMARKS.md.
 */
import { request } from 'node:http';
import { cpus } from 'node:os';

import Docker from 'dockerode';

import { COMPOSE_LABELS, projectFilter } from '../lib/docker/labels';
import { plantSession } from '../test/support/next-build';
import { rawRequest, startServer, type RunningServer } from '../test/support/server';
import { readTestbed } from '../test/support/testbed';
import { writeBenchmarkSection } from './support/benchmarks-md';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? '30');
const SIZES = [5, 50, 200];
const PANELS = ['headline', 'health', 'people'];
const EXTRA_LABEL = 'mastodash.bench-extra';
const testbed = readTestbed();
const socketPath = testbed.dockerHost.replace(/^unix:\/\//, '');
const docker = new Docker({ socketPath });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))] ?? NaN;
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

async function timed(server: RunningServer, path: string, cookie: string): Promise<number> {
  const started = performance.now();
  const answer = await rawRequest(server.port, { path, headers: { cookie }, timeoutMs: 60_000 });
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
  return performance.now() - started;
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
  const server = await startServer({
    MASTODON_WEB_URL: `http://127.0.0.1:${testbed.webPort}`,
    MASTODON_STREAMING_URL: `http://127.0.0.1:${testbed.webPort + 1000}`,
    INFLUX_URL: testbed.influxUrl,
    INFLUX_TOKEN: testbed.influxReader,
    DASHBOARD_PASSWORD: 'bench-home-password-long',
  });
  const rows: string[] = [];
  try {
    const { cookie } = plantSession(server.dataDir);
    for (const size of SIZES) {
      await setExtras(size);
      const columns: Record<string, number[]> = { docker: [], home: [], ...Object.fromEntries(PANELS.map((name) => [name, []])) };
      const round = async (record: boolean) => {
        const docker = await rawDockerList();
        const home = await timed(server, '/', cookie);
        const panels: number[] = [];
        for (const name of PANELS) panels.push(await timed(server, `/api/panels/${name}`, cookie));
        if (!record) return;
        columns.docker!.push(docker);
        columns.home!.push(home);
        PANELS.forEach((name, index) => columns[name]!.push(panels[index]!));
      };
      for (let i = 0; i < 3; i++) await round(false);
      for (let i = 0; i < ITERATIONS; i++) await round(true);
      const cell = (values: number[]) => `${percentile(values, 0.5).toFixed(1)} / ${percentile(values, 0.95).toFixed(1)}`;
      const target = 2 * percentile(columns.docker!, 0.95) + 15;
      rows.push(
        `| ${size} | ${cell(columns.docker!)} | ${cell(columns.home!)} | ${PANELS.map((name) => cell(columns[name]!)).join(' | ')} | ${target.toFixed(1)} |`,
      );
      console.log(rows[rows.length - 1]);
    }
  } finally {
    await setExtras(5);
    await server.stop();
  }
  const body = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; ${ITERATIONS} timed rounds per size after 3 warm-up rounds, one request at a time, interleaved. No browser watches, so the live source keeps no copy of the containers.`,
    '',
    `| Containers | Docker list p50 / p95 ms (baseline) | Whole home page p50 / p95 ms | ${PANELS.map((name) => `\`/api/panels/${name}\` p50 / p95 ms`).join(' | ')} | Target for the home page's p95: 2 × Docker p95 + 15 ms |`,
    `|---|---|---|${PANELS.map(() => '---|').join('')}---|`,
    ...rows,
  ].join('\n');
  writeBenchmarkSection('home', body);
}

await main();
