/**
 * Memory and cost with real browsers (issue 14, section 6): 12 headless Chromium tabs across every page,
 * logged in, against the production build on the test bed, for BENCH_SECONDS, in four phases on one server:
 * - one tab of the home page: the baseline for Docker calls;
 * - 12 tabs in one browser context, so that they share the browser's six HTTP/1.1 connections per host, as
 *   through an SSH tunnel: what an admin meets;
 * - the same 12 tabs, each in its own context (its own connection pool): the load the server carries once
 *   no tab waits for a connection, whatever the live protocol does about the limit;
 * - the same again, all 12 opened at once, as a browser restores its tabs.
 * Then, on a fresh server, each route asked 12 times at once: how far the heap and the RSS rise (routeBursts).
 *
 * Everything is measured from outside the server and from the browser's side, so that it holds whatever
 * the live protocol is (one EventSource per topic, one per tab, one per browser):
 * - the server's RSS: VmRSS of its process and its descendants, sampled every 500 ms (peak, end of the
 *   phase, 10 s after the tabs closed); beside it the V8 heap and Node's buffers, which a preloaded probe
 *   (bench/support/memory-probe.cjs) writes once a second;
 * - Docker calls per minute, counted by the socket proxy in this process (test/support/counting-proxy.ts),
 *   for the 12 tabs and, in the same run, for one tab of the home page;
 * - stalled requests: any request the browser issued that had no response headers within STALL_MS (the
 *   browser's own queueing for a free connection included), from Playwright's request events, plus an
 *   in-page fetch('/api/panels/sidekiq') from the first tab every 10 s;
 * - each tab's first useful paint: from the start of its navigation until its data shows (the page's marker
 *   below), capped at PAINT_TIMEOUT_MS;
 * - a bare server's RSS in the same run: the same build started afresh, asked for /login three times
 *   without a session and left idle 5 s, no browser.
 * BENCH_HEAP_SNAPSHOTS=1 also writes heap snapshots of the server idle (after the one-tab phase) and loaded
 * (at the end of the 12 tabs with a context each, after the measured window) to bench/.out/heap and compares them by
 * constructor; the snapshots stop the server for seconds, so that run's RSS and stall figures are not kept.
 *
 * Run: npm run bench:tabs (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_SECONDS (each measured phase, default 60), BENCH_HEAP_SNAPSHOTS (default off).
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext, type Page, type Request } from '@playwright/test';

import { plantSession } from '../test/support/next-build';
import { rawRequest, startServer, type RunningServer } from '../test/support/server';
import { startCountingProxy } from '../test/support/counting-proxy';
import { readTestbed, testbedBackendsEnv } from '../test/support/testbed';
import { writeBenchmarkSection } from './support/benchmarks-md';
import { summariseHeapSnapshot, type HeapGroup } from './support/heap-snapshot';
import { percentile, runHeader } from './support/measure';

const PHASE_MS = Number(process.env.BENCH_SECONDS ?? '60') * 1000;
const HEAP_SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOTS === '1';
const STALL_MS = 5_000;
const PAINT_TIMEOUT_MS = 20_000;
const PROBE_EVERY_MS = 10_000;
const PROBE_TIMEOUT_MS = 15_000;
/** Between opening one tab and the next, as a person opening links in new tabs would. */
const TAB_STAGGER_MS = 500;
/** Longer than the live topics' grace (5 s, lib/live), so that a phase starts from a server nobody watches. */
const SETTLE_MS = 8_000;

const testbed = readTestbed();
const OUT = path.resolve('bench/.out');
const PROBE_FILE = path.join(OUT, 'tabs-memory.jsonl');
const HEAP_DIR = path.join(OUT, 'heap');
const BURST_FILE = path.join(OUT, 'tabs-bursts.jsonl');
/** Each route asked this many times at once, as this many tabs loading it or refreshing together would. */
const BURST = 12;
const BURST_ROUTES = [
  '/login',
  '/',
  '/graphs',
  '/graphs?range=24h',
  '/logs',
  '/accounts',
  '/media',
  '/registrations',
  '/audit',
  '/api/panels/sidekiq',
  '/api/panels/headline',
  '/api/panels/health',
  '/api/metrics?range=1h',
  '/api/metrics?range=24h',
];

/** What shows that a page has its data, per page. */
const MARKERS: Record<string, string> = {
  '/': '[data-testid="containers-summary"]',
  // A drawn line: a series without points leaves an empty path, which is never visible.
  '/graphs': '[data-testid="graphs-panel"] path.recharts-line-curve[d^="M"]',
  '/logs': '[data-testid="log-line"]',
  '/accounts': '[data-testid="owners"], [data-testid="owners-empty"]',
  '/media': '.media-diagnosis',
  '/registrations': '[data-testid="registrations-state"]',
  // A fresh DATA_DIR has no records yet: the page then says so.
  '/audit': '[data-testid="audit-summary"], main p.empty',
};
/** Every page, the live ones more than once, as people keep the logs in one tab and the graphs in another. */
const TABS = [
  '/',
  '/graphs',
  '/logs',
  '/accounts',
  '/media',
  '/registrations',
  '/audit',
  '/',
  '/graphs?range=24h',
  `/logs?container=${testbed.project}-sidekiq-1`,
  '/',
  `/logs?container=${testbed.project}-streaming-1`,
];

function markerOf(url: string): string {
  const marker = MARKERS[url.split('?')[0] ?? ''];
  if (!marker) throw new Error(`no marker for ${url}`);
  return marker;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function vmRssKiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((each) => each.startsWith('VmRSS:'));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
  } catch {
    return 0; // gone between listing and reading
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // the process ended
  }
  return found;
}

/** RSS of the process and all its descendants, MiB. */
function treeRssMiB(pid: number): number {
  let kib = 0;
  const queue = [pid];
  for (let guard = 0; queue.length > 0 && guard < 1000; guard++) {
    const next = queue.shift() as number;
    kib += vmRssKiB(next);
    queue.push(...childrenOf(next));
  }
  return kib / 1024;
}

interface MemoryUsageLine {
  at: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

function probeLines(from: number, to: number): MemoryUsageLine[] {
  if (!existsSync(PROBE_FILE)) return [];
  return readFileSync(PROBE_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as MemoryUsageLine)
    .filter((line) => line.at >= from && line.at <= to);
}

/** Samples the server's RSS every 500 ms until stopped. */
function rssSampler(pid: number): { stop(): { max: number; last: number; samples: number } } {
  let max = 0;
  let last = 0;
  let samples = 0;
  const sample = () => {
    last = treeRssMiB(pid);
    max = Math.max(max, last);
    samples++;
  };
  sample();
  const timer = setInterval(sample, 500);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { max, last, samples };
    },
  };
}

interface RequestLog {
  requests: Map<Request, { url: string; at: number; answeredAt?: number; failedAt?: number }>;
}

/**
 * The shared worker's own script: Chromium loads it for the worker, and Playwright reports the request but
 * never its response, although the worker runs (its pages go live over its stream). It is left out of the
 * request log rather than counted as a stall that did not happen.
 */
function isSharedWorkerScript(url: URL): boolean {
  return url.pathname.startsWith('/_next/static/chunks/') && url.pathname.includes('-worker-');
}

function logRequests(context: BrowserContext, log: RequestLog): void {
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!isSharedWorkerScript(url)) log.requests.set(request, { url: url.pathname + url.search, at: Date.now() });
  });
  context.on('response', (response) => {
    const entry = log.requests.get(response.request());
    if (entry && entry.answeredAt === undefined) entry.answeredAt = Date.now();
  });
  context.on('requestfailed', (request) => {
    const entry = log.requests.get(request);
    if (entry && entry.failedAt === undefined) entry.failedAt = Date.now();
  });
}

/** Requests that waited longer than STALL_MS for their response headers (or are still waiting at `until`). */
function stalled(log: RequestLog, until: number): { url: string; waitedMs: number; answered: boolean }[] {
  const found: { url: string; waitedMs: number; answered: boolean }[] = [];
  for (const entry of log.requests.values()) {
    const end = entry.answeredAt ?? entry.failedAt ?? until;
    if (end - entry.at > STALL_MS)
      found.push({ url: entry.url, waitedMs: end - entry.at, answered: entry.answeredAt !== undefined });
  }
  return found;
}

interface TabResult {
  url: string;
  paintMs: number | null;
}

async function openTab(
  context: BrowserContext,
  origin: string,
  url: string,
): Promise<{ page: Page; painted: Promise<TabResult> }> {
  const page = await context.newPage();
  const started = Date.now();
  // Not awaited: a tab whose document waits for a connection must not hold up the next tab.
  page.goto(`${origin}${url}`, { waitUntil: 'commit', timeout: PAINT_TIMEOUT_MS }).catch(() => undefined);
  const painted = page
    .locator(markerOf(url))
    .first()
    .waitFor({ state: 'visible', timeout: PAINT_TIMEOUT_MS })
    .then(
      () => ({ url, paintMs: Date.now() - started }),
      () => ({ url, paintMs: null }),
    );
  return { page, painted };
}

interface ProbeResult {
  ms: number;
  status: number;
}

/** fetch('/api/panels/sidekiq') from inside the page, as a panel refresh would, every PROBE_EVERY_MS. */
function panelProbe(page: Page): { stop(): Promise<ProbeResult[]> } {
  const results: Promise<ProbeResult>[] = [];
  const ask = () =>
    results.push(
      page
        .evaluate(async (timeoutMs) => {
          const started = performance.now();
          try {
            const response = await fetch('/api/panels/sidekiq', {
              cache: 'no-store',
              signal: AbortSignal.timeout(timeoutMs),
            });
            await response.text();
            return { ms: performance.now() - started, status: response.status };
          } catch {
            return { ms: performance.now() - started, status: 0 };
          }
        }, PROBE_TIMEOUT_MS)
        .catch(() => ({ ms: PROBE_TIMEOUT_MS, status: -1 })),
    );
  const timer = setInterval(ask, PROBE_EVERY_MS);
  ask();
  return {
    async stop() {
      clearInterval(timer);
      return Promise.all(results);
    },
  };
}

interface Phase {
  tabs: TabResult[];
  dockerCallsPerMinute: number;
  byCall: Record<string, number>;
  openingCalls: number;
  rss: { start: number; peak: number; end: number; afterClose: number };
  heap: { heapUsedMax: number; externalMax: number; arrayBuffersMax: number; rssMax: number } | null;
  stalled: { url: string; waitedMs: number; answered: boolean }[];
  requests: number;
  probes: ProbeResult[];
}

async function runPhase(
  server: RunningServer,
  proxyCalls: string[],
  cookie: string,
  urls: string[],
  browser: Awaited<ReturnType<typeof chromium.launch>>,
  contexts: 'shared' | 'one per tab',
  staggerMs: number,
  beforeClose?: () => Promise<void>,
): Promise<Phase> {
  const pid = server.process.pid as number;
  await sleep(SETTLE_MS);
  const [name, value] = cookie.split('=') as [string, string];
  const log: RequestLog = { requests: new Map() };
  const opened: BrowserContext[] = [];
  const newContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/' }]);
    logRequests(context, log);
    opened.push(context);
    return context;
  };
  const shared = contexts === 'shared' ? await newContext() : null;
  const rssStart = treeRssMiB(pid);
  const sampler = rssSampler(pid);
  const openedAt = proxyCalls.length;
  const phaseStart = Date.now();
  const tabs: { page: Page; painted: Promise<TabResult> }[] = [];
  if (staggerMs > 0) {
    for (const url of urls) {
      tabs.push(await openTab(shared ?? (await newContext()), server.origin, url));
      await sleep(staggerMs);
    }
  } else {
    // All at once, as a browser restoring its tabs: contexts first, then every navigation together.
    const ready = await Promise.all(urls.map(async () => shared ?? (await newContext())));
    tabs.push(
      ...(await Promise.all(urls.map((url, index) => openTab(ready[index] as BrowserContext, server.origin, url)))),
    );
  }
  // The probe asks once the first tab shows its data (or gave up), so that it never races that tab's load.
  await tabs[0]?.painted;
  const probe = panelProbe(tabs[0]?.page as Page);
  // Docker calls are counted from when the last tab opened plus 3 s (its first listings), for PHASE_MS.
  await sleep(3_000);
  const countFrom = proxyCalls.length;
  await sleep(PHASE_MS);
  const window = proxyCalls.slice(countFrom);
  const measuredUntil = Date.now();
  const rss = sampler.stop();
  const probes = await probe.stop();
  const painted = await Promise.all(tabs.map((tab) => tab.painted));
  // What a tab that never showed its data looked like, for whoever reads the result.
  for (const [index, tab] of tabs.entries()) {
    if (painted[index]?.paintMs !== null) continue;
    await tab.page
      .screenshot({
        path: path.join(
          OUT,
          `tabs-unpainted-${contexts.replace(/ /g, '-')}${staggerMs === 0 ? '-at-once' : ''}-${index + 1}.png`,
        ),
        timeout: 5_000,
      })
      .catch(() => undefined);
  }
  const stalls = stalled(log, measuredUntil);
  const requests = log.requests.size;
  const memory = probeLines(phaseStart, measuredUntil);
  if (beforeClose) await beforeClose();
  for (const context of opened) await context.close();
  await sleep(10_000);
  const byCall: Record<string, number> = {};
  for (const kind of window) byCall[kind] = (byCall[kind] ?? 0) + 1;
  const mib = (bytes: number) => bytes / 1024 / 1024;
  return {
    tabs: painted,
    dockerCallsPerMinute: (window.length * 60_000) / PHASE_MS,
    byCall,
    openingCalls: countFrom - openedAt,
    rss: { start: rssStart, peak: rss.max, end: rss.last, afterClose: treeRssMiB(pid) },
    heap:
      memory.length > 0
        ? {
            heapUsedMax: mib(Math.max(...memory.map((line) => line.heapUsed))),
            externalMax: mib(Math.max(...memory.map((line) => line.external))),
            arrayBuffersMax: mib(Math.max(...memory.map((line) => line.arrayBuffers))),
            rssMax: mib(Math.max(...memory.map((line) => line.rss))),
          }
        : null,
    stalled: stalls,
    requests,
    probes,
  };
}

/** The same build started afresh, /login three times without a session, then 5 s idle: RSS, MiB (max of 10 samples). */
async function bareServerRss(env: Record<string, string>): Promise<number> {
  const bare = await startServer(env);
  try {
    for (let i = 0; i < 3; i++) await rawRequest(bare.port, { path: '/login' });
    let max = 0;
    for (let i = 0; i < 10; i++) {
      await sleep(500);
      max = Math.max(max, treeRssMiB(bare.process.pid as number));
    }
    return max;
  } finally {
    await bare.stop();
  }
}

interface Burst {
  route: string;
  /** Answers other than 200 (or no answer). */
  failed: number;
  bodyKiB: number;
  ms: number;
  heapGrowthMiB: number;
  rssGrowthMiB: number;
}

/**
 * Where the memory of many tabs goes, route by route: a fresh server (--expose-gc), each route asked once to
 * load its code, then for each route: collect garbage, ask it BURST times at once, and read how far the heap
 * (heapUsed, sampled every 50 ms) and the RSS rose above the collected baseline.
 */
async function routeBursts(
  env: Record<string, string>,
): Promise<{ bursts: Burst[]; collectedAfter: MemoryUsageLine | undefined }> {
  rmSync(BURST_FILE, { force: true });
  const server = await startServer({
    ...env,
    NODE_OPTIONS: `--expose-gc --require ${path.resolve('bench/support/memory-probe.cjs')}`,
    MEMORY_PROBE_FILE: BURST_FILE,
    MEMORY_PROBE_INTERVAL_MS: '50',
  });
  const lines = () =>
    readFileSync(BURST_FILE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as MemoryUsageLine & { gc?: boolean });
  const collect = async () => {
    server.process.kill('SIGUSR2');
    await sleep(1_500);
    return lines()
      .filter((line) => line.gc)
      .pop();
  };
  try {
    const { cookie } = plantSession(server.dataDir);
    // The login page redirects a session home; it is asked as a visitor.
    const headersFor = (route: string): Record<string, string> => (route === '/login' ? {} : { cookie });
    for (const route of BURST_ROUTES)
      await rawRequest(server.port, { path: route, headers: headersFor(route), timeoutMs: 60_000 });
    const bursts: Burst[] = [];
    for (const route of BURST_ROUTES) {
      const base = await collect();
      if (!base)
        throw new Error('the memory probe wrote no collected baseline (is --expose-gc allowed in NODE_OPTIONS?)');
      const from = Date.now();
      let bytes = 0;
      let failed = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: BURST }, () =>
          rawRequest(server.port, { path: route, headers: headersFor(route), timeoutMs: 60_000 }).then(
            (answer) => {
              if (answer.status !== 200) failed++;
              bytes += answer.body.length;
            },
            () => failed++,
          ),
        ),
      );
      const ms = performance.now() - started;
      await sleep(200);
      const during = lines().filter((line) => line.at >= from);
      bursts.push({
        route,
        failed,
        bodyKiB: bytes / BURST / 1024,
        ms,
        heapGrowthMiB: (Math.max(...during.map((line) => line.heapUsed)) - base.heapUsed) / 1048576,
        rssGrowthMiB: (Math.max(...during.map((line) => line.rss)) - base.rss) / 1048576,
      });
    }
    return { bursts, collectedAfter: await collect() };
  } finally {
    await server.stop();
  }
}

async function snapshot(server: RunningServer, label: string): Promise<string> {
  writeFileSync(path.join(HEAP_DIR, 'next-label'), label);
  server.process.kill('SIGUSR2');
  const file = path.join(HEAP_DIR, `${label}.heapsnapshot`);
  const deadline = Date.now() + 120_000;
  while (!(
    existsSync(path.join(HEAP_DIR, 'written')) && readFileSync(path.join(HEAP_DIR, 'written'), 'utf8').includes(label)
  )) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot ${label} within 120 s`);
    await sleep(500);
  }
  return file;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  rmSync(PROBE_FILE, { force: true });
  for (const file of readdirSync(OUT).filter((name) => name.startsWith('tabs-unpainted-')))
    rmSync(path.join(OUT, file));
  if (HEAP_SNAPSHOTS) {
    rmSync(HEAP_DIR, { recursive: true, force: true });
    mkdirSync(HEAP_DIR, { recursive: true });
  }
  const proxy = await startCountingProxy((method, callPath, reason) =>
    console.warn(`refused ${method} ${callPath}: ${reason}`),
  );
  const env = {
    DOCKER_HOST: proxy.dockerHost,
    ...testbedBackendsEnv(testbed),
    DASHBOARD_PASSWORD: 'bench-tabs-password-long',
  };
  const bareRss = await bareServerRss(env);
  console.log(`bare server (same build, /login only, no browser): ${bareRss.toFixed(0)} MiB`);
  const server = await startServer({
    ...env,
    NODE_OPTIONS: `--require ${path.resolve('bench/support/memory-probe.cjs')}`,
    MEMORY_PROBE_FILE: PROBE_FILE,
    ...(HEAP_SNAPSHOTS ? { MEMORY_PROBE_DIR: HEAP_DIR } : {}),
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const snapshots: { idle?: string; loaded?: string } = {};
  try {
    const { cookie } = plantSession(server.dataDir, { expiresInMs: 3 * 3_600_000 });
    // No warm-up: the tabs meet each route as they would after a restart of the dashboard, so the peak
    // includes each route's first render.
    const idleRss = treeRssMiB(server.process.pid as number);
    const one = await runPhase(server, proxy.calls, cookie, ['/'], browser, 'shared', TAB_STAGGER_MS);
    console.log('one tab:', JSON.stringify(one.rss), `${one.dockerCallsPerMinute} Docker calls/min`, one.tabs);
    if (HEAP_SNAPSHOTS) {
      await sleep(SETTLE_MS);
      snapshots.idle = await snapshot(server, 'idle');
    }
    const twelve = await runPhase(server, proxy.calls, cookie, TABS, browser, 'shared', TAB_STAGGER_MS);
    console.log(
      '12 tabs, one context:',
      JSON.stringify(twelve.rss),
      `${twelve.dockerCallsPerMinute} Docker calls/min`,
      twelve.tabs,
      twelve.stalled.length,
      'stalled',
    );
    const apart = await runPhase(
      server,
      proxy.calls,
      cookie,
      TABS,
      browser,
      'one per tab',
      TAB_STAGGER_MS,
      async () => {
        if (HEAP_SNAPSHOTS) snapshots.loaded = await snapshot(server, 'loaded');
      },
    );
    console.log(
      '12 tabs, a context each:',
      JSON.stringify(apart.rss),
      `${apart.dockerCallsPerMinute} Docker calls/min`,
      apart.tabs,
      apart.stalled.length,
      'stalled',
    );
    const atOnce = await runPhase(server, proxy.calls, cookie, TABS, browser, 'one per tab', 0);
    console.log(
      '12 tabs at once, a context each:',
      JSON.stringify(atOnce.rss),
      `${atOnce.dockerCallsPerMinute} Docker calls/min`,
      atOnce.tabs,
      atOnce.stalled.length,
      'stalled',
    );
    const bursts = await routeBursts(env);
    const text = [render(browser.version(), bareRss, idleRss, one, twelve, apart, atOnce), renderBursts(bursts)].join(
      '\n\n',
    );
    if (HEAP_SNAPSHOTS && snapshots.idle && snapshots.loaded) {
      const heap = renderHeap(snapshots.idle, snapshots.loaded);
      console.log(text);
      console.log(heap);
      // A snapshot run's RSS and stalls are disturbed by the snapshots: printed, not written to BENCHMARKS.md.
      writeFileSync(path.join(OUT, 'tabs-heap.md'), `${text}\n\n${heap}\n`);
    } else {
      writeBenchmarkSection('tabs', text);
    }
  } finally {
    await browser.close();
    await server.stop();
    proxy.close();
  }
}

function fmt(value: number, digits = 0): string {
  return value.toFixed(digits);
}

function render(
  browserVersion: string,
  bareRss: number,
  idleRss: number,
  one: Phase,
  twelve: Phase,
  apart: Phase,
  atOnce: Phase,
): string {
  const lines: string[] = [];
  const kinds = (byCall: Record<string, number>) =>
    Object.entries(byCall)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ') || '—';
  const paints = (phase: Phase) => phase.tabs.map((tab) => tab.paintMs).filter((ms): ms is number => ms !== null);
  const probeText = (phase: Phase) => {
    const answered = phase.probes.filter((probe) => probe.status === 200).map((probe) => probe.ms);
    const late = phase.probes.filter((probe) => probe.status !== 200 || probe.ms > STALL_MS).length;
    return (
      `${answered.length} of ${phase.probes.length} answered, ${late} late or failed; p50 / max` +
      ` ${answered.length ? `${fmt(percentile(answered, 0.5))} / ${fmt(Math.max(...answered))} ms` : '—'}`
    );
  };
  const heapText = (phase: Phase) =>
    phase.heap
      ? `${fmt(phase.heap.rssMax)} / ${fmt(phase.heap.heapUsedMax)} / ${fmt(phase.heap.externalMax)} / ` +
        `${fmt(phase.heap.arrayBuffersMax)}`
      : '—';
  const paintText = (phase: Phase) => {
    const done = paints(phase);
    return `${done.length} of ${phase.tabs.length}; ${
      done.length ? `${fmt(percentile(done, 0.5))} / ` + `${fmt(Math.max(...done))}` : '—'
    }`;
  };
  const rssTarget = 250e6 / 1048576;
  // Calls per minute only compare when the tabs' requests reached the server.
  const callsVerdict = (phase: Phase) =>
    phase.stalled.length > 0
      ? 'not judged: requests stalled'
      : phase.dockerCallsPerMinute <= one.dockerCallsPerMinute
        ? 'met'
        : 'not met';
  const row = (measure: string, value: (phase: Phase) => string, target: string, verdict: (phase: Phase) => string) =>
    `| ${measure} | ${value(twelve)} | ${verdict(twelve)} | ${value(apart)} | ${verdict(apart)} | ${value(atOnce)} | ` +
    `${verdict(atOnce)} | ${value(one)} | ${target} |`;
  const none = () => '';
  const loadAverage = loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ');
  lines.push(
    `${runHeader()}, chromium ${browserVersion}, load average at the end ${loadAverage} (the machine is shared); ` +
      `${PHASE_MS / 1000} s measured per phase; tabs ${TAB_STAGGER_MS} ms apart unless opened at once; ` +
      `a request is stalled when it has no response headers after ${STALL_MS / 1000} s; ` +
      `paint capped at ${PAINT_TIMEOUT_MS / 1000} s. Bare server, same build and run (/login only, no browser): ` +
      `${fmt(bareRss)} MiB; this server just after start: ${fmt(idleRss)} MiB.`,
    '',
    `| Measure | 12 tabs, one browser context | | 12 tabs, a context each (no shared connection limit) | | 12 tabs` +
      ` opened at once (as a browser restores them), a context each | | Baseline: 1 tab of \`/\`, same run | Target |`,
    '|---|---|---|---|---|---|---|---|---|',
    row(
      'Server RSS peak, MiB',
      (phase) => fmt(phase.rss.peak),
      '≤ 250 MB (238 MiB)',
      (phase) => (phase.rss.peak <= rssTarget ? 'met' : 'not met'),
    ),
    row(
      'Server RSS at the end of the phase / 10 s after the tabs closed, MiB',
      (phase) => `${fmt(phase.rss.end)} / ${fmt(phase.rss.afterClose)}`,
      '—',
      none,
    ),
    row("Max of the server's memoryUsage(): rss / heapUsed / external / arrayBuffers, MiB", heapText, '—', none),
    row(
      'Docker calls / min',
      (phase) => `${fmt(phase.dockerCallsPerMinute, 1)} (${kinds(phase.byCall)})`,
      'same as 1 tab',
      callsVerdict,
    ),
    row('Docker calls while the tabs opened (+3 s)', (phase) => String(phase.openingCalls), '—', none),
    row(
      'Stalled requests (of all requests)',
      (phase) => `${phase.stalled.length} (of ${phase.requests})`,
      '0',
      (phase) => (phase.stalled.length === 0 ? 'met' : 'not met'),
    ),
    row(
      `In-page \`fetch('/api/panels/sidekiq')\`, first tab, every ${PROBE_EVERY_MS / 1000} s`,
      probeText,
      `none over ${STALL_MS / 1000} s`,
      (phase) => (phase.probes.every((probe) => probe.status === 200 && probe.ms <= STALL_MS) ? 'met' : 'not met'),
    ),
    row(
      `Tabs showing their data within ${PAINT_TIMEOUT_MS / 1000} s; first useful paint p50 / max ms`,
      paintText,
      '—',
      none,
    ),
    '',
    '| Tab | Page | First useful paint, ms: one context | a context each | at once, a context each |',
    '|---|---|---|---|---|',
    ...twelve.tabs.map((tab, index) => {
      const paint = (ms: number | null | undefined) =>
        ms === null || ms === undefined ? `not within ${PAINT_TIMEOUT_MS / 1000} s` : fmt(ms);
      return (
        `| ${index + 1} | \`${tab.url}\` | ${paint(tab.paintMs)} | ${paint(apart.tabs[index]?.paintMs)} | ` +
        `${paint(atOnce.tabs[index]?.paintMs)} |`
      );
    }),
  );
  for (const [label, phase] of [
    ['one browser context', twelve],
    ['a context each', apart],
    ['a context each, opened at once', atOnce],
  ] as const) {
    if (phase.stalled.length === 0) continue;
    const byPath = new Map<string, { count: number; unanswered: number }>();
    for (const stall of phase.stalled) {
      const key = stall.url.replace(/\?.*$/, (query) => (query.startsWith('?topic=') ? query : '?…'));
      const entry = byPath.get(key) ?? { count: 0, unanswered: 0 };
      entry.count++;
      if (!stall.answered) entry.unanswered++;
      byPath.set(key, entry);
    }
    lines.push(
      '',
      `Stalled requests, 12 tabs in ${label}, by path: ${[...byPath.entries()]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([url, entry]) => `\`${url}\` ${entry.count} (${entry.unanswered} never answered)`)
        .join(', ')}.`,
    );
  }
  return lines.join('\n');
}

function renderBursts({ bursts, collectedAfter }: Awaited<ReturnType<typeof routeBursts>>): string {
  const mib = (bytes: number | undefined) => (bytes === undefined ? '?' : fmt(bytes / 1048576));
  return [
    `Each route asked ${BURST} times at once on a fresh server (--expose-gc), after one request each and a` +
      ` collection: how far the V8 heap in use and the RSS rose above the collected baseline (sampled every 50 ms).` +
      ` Collected after all of them: RSS ${mib(collectedAfter?.rss)} MiB, heap total / used ` +
      `${mib(collectedAfter?.heapTotal)} / ${mib(collectedAfter?.heapUsed)} MiB, external ` +
      `${mib(collectedAfter?.external)} MiB.`,
    '',
    `| Route | Response KiB | ${BURST} at once, ms | Not 200 | Heap in use rose, MiB | RSS rose, MiB |`,
    '|---|---|---|---|---|---|',
    ...bursts.map(
      (burst) =>
        `| \`${burst.route}\` | ${fmt(burst.bodyKiB)} | ${fmt(burst.ms)} | ${burst.failed} | ` +
        `${fmt(burst.heapGrowthMiB, 1)} | ${fmt(burst.rssGrowthMiB, 1)} |`,
    ),
  ].join('\n');
}

function renderHeap(idleFile: string, loadedFile: string): string {
  const idle = summariseHeapSnapshot(idleFile);
  const loaded = summariseHeapSnapshot(loadedFile);
  const names = new Set([...idle.groups.keys(), ...loaded.groups.keys()]);
  const rows = [...names]
    .map((name) => {
      const before = idle.groups.get(name) ?? ({ name, count: 0, selfBytes: 0 } satisfies HeapGroup);
      const after = loaded.groups.get(name) ?? ({ name, count: 0, selfBytes: 0 } satisfies HeapGroup);
      return { name, before, after, grown: after.selfBytes - before.selfBytes };
    })
    .sort((a, b) => Math.abs(b.grown) - Math.abs(a.grown))
    .slice(0, 20);
  const kib = (bytes: number) => fmt(bytes / 1024);
  const lines = [
    `Heap snapshots (self sizes, grouped as DevTools' Summary): idle` +
      ` ${fmt(idle.totalBytes / 1048576, 1)} MiB in ${idle.nodes} objects, with 12 tabs ` +
      `${fmt(loaded.totalBytes / 1048576, 1)} MiB in ${loaded.nodes} objects.`,
    '',
    '| Constructor | Idle: count / KiB | 12 tabs: count / KiB | Grown KiB |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| \`${row.name}\` | ${row.before.count} / ${kib(row.before.selfBytes)} | ${row.after.count} / ` +
        `${kib(row.after.selfBytes)} | ${kib(row.grown)} |`,
    ),
  ];
  appendFileSync(path.join(OUT, 'heap', 'summary.md'), `${lines.join('\n')}\n`);
  return lines.join('\n');
}

await main();
