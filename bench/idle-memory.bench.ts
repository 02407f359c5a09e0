/**
 * What the server holds when idle, against another build (issue 20: what the message catalogs cost). Each
 * server starts fresh, is asked every page and panel once per language, idles 20 s, and is then read twice: its
 * RSS as it stands, and the V8 heap in use right after a full collection (bench/support/memory-probe.cjs,
 * --expose-gc), which is what it retains whatever the collector's timing. gc() gives no pages back, so the RSS
 * after it says nothing more. Servers alternate, so that a shared machine's drift falls on both.
 *
 * Run: BENCH_BASELINE_DIR=<another checkout, built> npm run bench:idle-memory (needs the test bed and this
 * checkout's production build). Env: BENCH_ROUNDS (default 3), BENCH_BASELINE_LABEL (what the baseline is).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { writeBenchmarkSection } from './support/benchmarks-md';
import { rssMiB, runHeader } from './support/measure';
import { plantSession } from '../test/support/next-build';
import { rawRequest, startServer } from '../test/support/server';
import { readTestbed, testbedBackendsEnv } from '../test/support/testbed';

const PAGES = ['/', '/graphs', '/logs', '/accounts', '/media', '/registrations', '/backups', '/alerts', '/audit'];
const PANELS = ['headline', 'health', 'sidekiq', 'people', 'storage', 'media-folder', 'doctor'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '3');
const IDLE_MS = 20_000;
const PROBE = path.resolve('bench/support/memory-probe.cjs');

interface Variant {
  label: string;
  directory: string;
  locales: string[];
}

interface Reading {
  rssIdle: number;
  heapCollected: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = (bytes: number) => bytes / 1048576;

async function measure(variant: Variant): Promise<Reading> {
  const here = process.cwd();
  const probeFile = path.join(mkdtempSync(path.join(tmpdir(), 'mastodash-idle-memory-')), 'probe.jsonl');
  process.chdir(variant.directory);
  try {
    const server = await startServer({
      ...testbedBackendsEnv(readTestbed()),
      DASHBOARD_PASSWORD: 'bench-idle-memory-password',
      NODE_OPTIONS: `--expose-gc --require ${PROBE}`,
      MEMORY_PROBE_FILE: probeFile,
      MEMORY_PROBE_INTERVAL_MS: '60000',
    });
    try {
      const { cookie } = plantSession(server.dataDir);
      for (const locale of variant.locales) {
        const headers = { cookie: `${cookie}; mastodash_locale=${locale}`, 'accept-language': locale };
        for (const page of PAGES) {
          const answer = await rawRequest(server.port, { path: page, headers, timeoutMs: 60_000 });
          if (answer.status !== 200) throw new Error(`${variant.label}: ${page} answered ${answer.status}`);
        }
        for (const panel of PANELS) await rawRequest(server.port, { path: `/api/panels/${panel}`, headers });
        await rawRequest(server.port, { path: '/login', headers: { 'accept-language': locale } });
      }
      await sleep(IDLE_MS);
      const rssIdle = rssMiB(server.process.pid as number);
      server.process.kill('SIGUSR2');
      await sleep(2_000);
      const collected = readFileSync(probeFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { gc?: boolean; heapUsed: number })
        .filter((line) => line.gc)
        .pop();
      if (!collected) throw new Error(`${variant.label}: the memory probe wrote no collected reading`);
      return { rssIdle, heapCollected: MiB(collected.heapUsed) };
    } finally {
      await server.stop();
    }
  } finally {
    process.chdir(here);
  }
}

async function main(): Promise<void> {
  const baseline = process.env.BENCH_BASELINE_DIR;
  if (!baseline) throw new Error('BENCH_BASELINE_DIR must name another checkout with its production build');
  const baselineLabel = process.env.BENCH_BASELINE_LABEL ?? path.basename(baseline);
  const variants: Variant[] = [
    { label: `baseline (${baselineLabel}), English`, directory: baseline, locales: ['en'] },
    { label: 'this build, English', directory: process.cwd(), locales: ['en'] },
    { label: 'this build, English and German', directory: process.cwd(), locales: ['en', 'de'] },
  ];
  const readings = new Map<string, Reading[]>(variants.map((variant) => [variant.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 ? [...variants].reverse() : variants) {
      const reading = await measure(variant);
      readings.get(variant.label)?.push(reading);
      console.log(
        `round ${round + 1}, ${variant.label}: RSS idle ${reading.rssIdle.toFixed(0)} MiB, heap in use after a ` +
          `collection ${reading.heapCollected.toFixed(1)} MiB`,
      );
    }
  }
  const range = (values: number[], digits: number) => {
    const low = Math.min(...values).toFixed(digits);
    const high = Math.max(...values).toFixed(digits);
    return low === high ? low : `${low}–${high}`;
  };
  const lines = [
    `${runHeader()}; ${ROUNDS} servers each, alternating; ${IDLE_MS / 1000} s idle after ${PAGES.length} pages, ` +
      `${PANELS.length} panels and /login per language.`,
    '',
    '| Server | RSS idle, MiB | V8 heap in use after a full collection, MiB |',
    '|---|---|---|',
    ...variants.map((variant) => {
      const rows = readings.get(variant.label) ?? [];
      const idle = range(
        rows.map((row) => row.rssIdle),
        0,
      );
      const heap = range(
        rows.map((row) => row.heapCollected),
        1,
      );
      return `| ${variant.label} | ${idle} | ${heap} |`;
    }),
  ];
  writeBenchmarkSection('idle-memory', lines.join('\n'));
}

await main();
