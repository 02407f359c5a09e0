/**
 * What the dashboard costs the server (issue 8): Docker API calls per minute and server memory (RSS) with
 * 0, 1 and 50 viewers of the home page, and the home and graphs pages' first-load JavaScript (gzip).
 *
 * Run: npm run bench:cost (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_PHASE_SECONDS (length of each measured phase, default 60).
 *
 * The production server runs against the test bed with its Docker calls going through the socket proxy
 * (lib/socket-proxy) in this process, which counts every call it forwards. A viewer is simulated as the home
 * page's own client code behaves: the containers and jobs event streams, and each panel asked again at
 * its interval (components/ui/use-panel.ts and its callers), from a random phase. The results are printed
 * and written to BENCHMARKS.md.
 */
import { request, type ClientRequest } from 'node:http';
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';

import { writeBenchmarkSection } from './support/benchmarks-md';
import { rssMiB, runHeader } from './support/measure';
import { plantSession } from '../test/support/next-build';
import { rawRequest, startServer, type RunningServer } from '../test/support/server';
import { startCountingProxy } from '../test/support/counting-proxy';
import { readTestbed, testbedBackendsEnv } from '../test/support/testbed';

const PHASE_MS = Number(process.env.BENCH_PHASE_SECONDS ?? '60') * 1000;
/** The home page's panels and how often a visible tab asks each again (ms), as the client code does. */
const PANEL_INTERVALS: Record<string, number> = {
  headline: 10_000,
  health: 15_000,
  people: 30_000,
  sidekiq: 10_000,
  storage: 60_000,
  doctor: 60_000,
};
/** A home page's browser holds one stream carrying both of its topics (issue 14). */
const STREAMS = ['/api/live?topics=containers,jobs'];

const testbed = readTestbed();

interface Viewer {
  streams: ClientRequest[];
  timers: NodeJS.Timeout[];
  errors: number;
}

function openViewer(server: RunningServer, cookie: string): Viewer {
  const viewer: Viewer = { streams: [], timers: [], errors: 0 };
  for (const streamPath of STREAMS) {
    const stream = request(
      { host: '127.0.0.1', port: server.port, path: streamPath, headers: { cookie, host: `127.0.0.1:${server.port}` } },
      (response) => {
        if (response.statusCode !== 200) viewer.errors++;
        response.resume();
      },
    );
    stream.on('error', () => undefined);
    stream.end();
    viewer.streams.push(stream);
  }
  for (const [name, interval] of Object.entries(PANEL_INTERVALS)) {
    const ask = () => {
      rawRequest(server.port, { path: `/api/panels/${name}`, headers: { cookie } }).then(
        (answer) => {
          if (answer.status !== 200) viewer.errors++;
        },
        () => viewer.errors++,
      );
    };
    // The page rendered every panel once; the first re-ask comes one interval later, at a random phase.
    const first = setTimeout(() => {
      ask();
      viewer.timers.push(setInterval(ask, interval));
    }, Math.random() * interval);
    viewer.timers.push(first);
  }
  return viewer;
}

function closeViewer(viewer: Viewer): void {
  for (const timer of viewer.timers) clearTimeout(timer);
  for (const stream of viewer.streams) stream.destroy();
}

async function bareNodeRssMiB(): Promise<number> {
  const child = spawn(
    process.execPath,
    ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(0); setInterval(()=>{}, 1000)"],
    { stdio: 'ignore' },
  );
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const rss = rssMiB(child.pid as number);
  child.kill();
  return rss;
}

interface PhaseResult {
  viewers: number;
  callsPerMinute: number;
  eventStreams: number;
  /** Calls in the 3 s after the viewers opened the page (the live topics' first list and subscription). */
  openingCalls: number;
  byCall: Record<string, number>;
  rssMiB: { start: number; max: number; end: number };
  errors: number;
}

async function main(): Promise<void> {
  const proxy = await startCountingProxy((method, callPath, reason) =>
    console.warn(`refused ${method} ${callPath}: ${reason}`),
  );
  const { calls } = proxy;
  const server = await startServer({
    DOCKER_HOST: proxy.dockerHost,
    ...testbedBackendsEnv(testbed),
    DASHBOARD_PASSWORD: 'bench-cost-password-long',
  });
  const pid = server.process.pid as number;
  try {
    const { cookie } = plantSession(server.dataDir);
    // First-load JavaScript: every script the page's HTML loads, gzip-compressed (zlib level 6).
    // Modern browsers skip <script noModule> (the legacy polyfills), so those are not counted.
    const firstLoad = async (pagePath: string): Promise<{ files: number; rawKiB: number; gzipKiB: number }> => {
      const html = (await rawRequest(server.port, { path: pagePath, headers: { cookie } })).body;
      const tags = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"[^>]*>/g)].filter(
        (match) => !/\bnoModule\b/i.test(match[0]),
      );
      const sources = [...new Set(tags.map((match) => match[1] as string))];
      let raw = 0;
      let gzip = 0;
      for (const source of sources) {
        const response = await fetch(`http://127.0.0.1:${server.port}${source}`, { headers: { cookie } });
        const body = Buffer.from(await response.arrayBuffer());
        raw += body.length;
        gzip += gzipSync(body, { level: 6 }).length;
      }
      return { files: sources.length, rawKiB: raw / 1024, gzipKiB: gzip / 1024 };
    };
    const bundles = {
      home: await firstLoad('/'),
      graphs: await firstLoad('/graphs'),
      login: await firstLoad('/login'),
    };

    const phases: PhaseResult[] = [];
    for (const viewers of [0, 1, 50]) {
      // Settle: the previous phase's streams end and the live topics stop (5 s grace).
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      const openedAt = calls.length;
      const opened = Array.from({ length: viewers }, () => openViewer(server, cookie));
      // The streams and the first panel answers before the count starts.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const before = calls.length;
      const opening = calls.slice(openedAt, before);
      const start = rssMiB(pid);
      let max = start;
      const sampler = setInterval(() => (max = Math.max(max, rssMiB(pid))), 1_000);
      await new Promise((resolve) => setTimeout(resolve, PHASE_MS));
      clearInterval(sampler);
      const window = calls.slice(before);
      const byCall: Record<string, number> = {};
      for (const kind of window) byCall[kind] = (byCall[kind] ?? 0) + 1;
      phases.push({
        viewers,
        callsPerMinute: (window.length * 60_000) / PHASE_MS,
        eventStreams: [...opening, ...window].filter((kind) => kind === 'GET /events').length,
        openingCalls: opening.length,
        byCall,
        rssMiB: { start, max, end: rssMiB(pid) },
        errors: opened.reduce((sum, viewer) => sum + viewer.errors, 0),
      });
      opened.forEach(closeViewer);
      const openingByCall: Record<string, number> = {};
      for (const kind of opening) openingByCall[kind] = (openingByCall[kind] ?? 0) + 1;
      console.log(
        `${viewers} viewers: opening`,
        openingByCall,
        `then ${window.length} Docker calls in ${PHASE_MS / 1000} s`,
        byCall,
        `RSS ${start.toFixed(0)}–${max.toFixed(0)} MiB`,
      );
    }
    const bare = await bareNodeRssMiB();
    writeBenchmarkSection('cost', render(bundles, phases, bare));
  } finally {
    await server.stop();
    proxy.close();
  }
}

function render(
  bundles: Record<'home' | 'graphs' | 'login', { files: number; rawKiB: number; gzipKiB: number }>,
  phases: PhaseResult[],
  bareRss: number,
): string {
  const lines: string[] = [];
  lines.push(
    `${runHeader()}; ${PHASE_MS / 1000} s per phase.`,
    '',
    '| Viewers | Docker calls when they open the page (3 s) | Docker calls / min after | of which by kind | Event' +
      ' subscriptions opened | Server RSS: start / max / end MiB | Viewer errors |',
    '|---|---|---|---|---|---|---|',
  );
  for (const phase of phases) {
    const kinds = Object.entries(phase.byCall)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    lines.push(
      `| ${phase.viewers} | ${phase.openingCalls} | ${phase.callsPerMinute.toFixed(1)} | ${kinds || '—'} | ` +
        `${phase.eventStreams} | ${phase.rssMiB.start.toFixed(0)} / ${phase.rssMiB.max.toFixed(0)} / ` +
        `${phase.rssMiB.end.toFixed(0)} | ${phase.errors} |`,
    );
  }
  lines.push(
    '',
    `Baseline, same run: a bare Node HTTP server's RSS is ${bareRss.toFixed(0)} MiB. Targets: 150 MB` +
      ` idle, 250 MB with 50 viewers.`,
    '',
    '| Page | Scripts | First-load JS, raw KiB | gzip KiB (level 6) | Target |',
    '|---|---|---|---|---|',
    `| \`/\` (home) | ${bundles.home.files} | ${bundles.home.rawKiB.toFixed(0)} | ` +
      `${bundles.home.gzipKiB.toFixed(1)} | 200 KB |`,
    `| \`/graphs\` | ${bundles.graphs.files} | ${bundles.graphs.rawKiB.toFixed(0)} | ` +
      `${bundles.graphs.gzipKiB.toFixed(1)} | 300 KB |`,
    `| \`/login\` (baseline: framework and the smallest page) |` +
      ` ${bundles.login.files} | ${bundles.login.rawKiB.toFixed(0)} | ${bundles.login.gzipKiB.toFixed(1)} | — |`,
  );
  return lines.join('\n');
}

await main();
