/**
 * What the alert watcher costs the server (issue 18, §3): Docker API calls per minute and RSS of the production
 * server with the watcher on (a webhook channel configured) against the same server with no channel (no
 * watcher), side by side in the same run, with no browser open.
 *
 * Run: npm run bench:alerts (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_MINUTES (how long both servers run, default 3), ALERT_INTERVAL_SECONDS for the watcher (default 60,
 * the shipped default).
 *
 * Each server sends its Docker calls through a counting socket proxy of its own (test/support/counting-proxy.ts).
 * The watcher's messages go to a local webhook receiver, counted too. Results are printed and written to
 * BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';

import { writeBenchmarkSection } from './support/benchmarks-md';
import { runHeader } from './support/measure';
import { startCountingProxy, type CountingProxy } from '../test/support/counting-proxy';
import { startServer, type RunningServer } from '../test/support/server';
import { readTestbed, testbedBackendsEnv } from '../test/support/testbed';
import { startWebhookReceiver } from '../test/support/webhook-receiver';

const MINUTES = Number(process.env.BENCH_MINUTES ?? '3');
const INTERVAL_SECONDS = Number(process.env.ALERT_INTERVAL_SECONDS ?? '60');
/** After "Ready": the launcher imports the watcher and runs its first check. */
const SETTLE_MS = 5_000;
const SAMPLE_MS = 5_000;

const testbed = readTestbed();

function procStatus(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((each) => each.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
}

/** User plus system CPU seconds the process has used (/proc/<pid>/stat, fields 14 and 15, in clock ticks). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ", field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Side {
  label: string;
  server: RunningServer;
  proxy: CountingProxy;
  rssMiB: number[];
  startCalls: number;
  startCpu: number;
}

interface SideResult {
  label: string;
  openingCalls: number;
  callsPerMinute: number;
  byCall: Record<string, number>;
  rssStartMiB: number;
  rssEndMiB: number;
  rssMaxMiB: number;
  rssLastMinuteMeanMiB: number;
  cpuSecondsPerMinute: number;
}

async function startSide(label: string, env: Record<string, string>): Promise<Side> {
  const proxy = await startCountingProxy((method, callPath, reason) =>
    console.warn(`[${label}] refused ${method} ${callPath}: ${reason}`),
  );
  const server = await startServer({ DOCKER_HOST: proxy.dockerHost, ...testbedBackendsEnv(testbed), ...env });
  return { label, server, proxy, rssMiB: [], startCalls: 0, startCpu: 0 };
}

function summarise(side: Side, measuredMs: number): SideResult {
  const pid = side.server.process.pid as number;
  const window = side.proxy.calls.slice(side.startCalls);
  const byCall: Record<string, number> = {};
  for (const kind of window) byCall[kind] = (byCall[kind] ?? 0) + 1;
  const lastMinute = side.rssMiB.slice(-Math.max(1, Math.round(60_000 / SAMPLE_MS)));
  return {
    label: side.label,
    openingCalls: side.startCalls,
    callsPerMinute: (window.length * 60_000) / measuredMs,
    byCall,
    rssStartMiB: side.rssMiB[0] ?? 0,
    rssEndMiB: side.rssMiB.at(-1) ?? 0,
    rssMaxMiB: Math.max(...side.rssMiB),
    rssLastMinuteMeanMiB: lastMinute.reduce((sum, value) => sum + value, 0) / lastMinute.length,
    cpuSecondsPerMinute: ((cpuSeconds(pid) - side.startCpu) * 60_000) / measuredMs,
  };
}

async function main(): Promise<void> {
  const webhook = await startWebhookReceiver();
  const sides: Side[] = [];
  try {
    // Side by side, so both meet the same shared test bed (another suite's restarts show on both).
    sides.push(await startSide('watcher off (no channel)', {}));
    sides.push(
      await startSide('watcher on (webhook channel)', {
        ALERT_WEBHOOK_URL: `${webhook.url}/bench`,
        ALERT_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      }),
    );
    const on = sides[1]!;
    if (!on.server.output().includes('alert watcher on') && !(await waitForOutput(on.server, 'alert watcher on'))) {
      throw new Error(`the watcher did not start:\n${on.server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const side of sides) {
      side.startCalls = side.proxy.calls.length;
      side.startCpu = cpuSeconds(side.server.process.pid as number);
    }
    const measuredMs = MINUTES * 60_000;
    const sample = () => {
      for (const side of sides) side.rssMiB.push(procStatus(side.server.process.pid as number, 'VmRSS') / 1024);
    };
    sample();
    const sampler = setInterval(sample, SAMPLE_MS);
    await new Promise((resolve) => setTimeout(resolve, measuredMs));
    clearInterval(sampler);
    sample();
    const results = sides.map((side) => summarise(side, measuredMs));
    for (const result of results) console.log(result);
    writeBenchmarkSection('alert-watcher', render(results, webhook.requests.length));
  } finally {
    for (const side of sides) {
      await side.server.stop();
      side.proxy.close();
    }
    await webhook.close();
  }
}

async function waitForOutput(server: RunningServer, text: string): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (server.output().includes(text)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function render(results: SideResult[], messages: number): string {
  const lines = [
    `${runHeader()}; both servers side by side for ${MINUTES} min, no browser open, ` +
      `ALERT_INTERVAL_SECONDS=${INTERVAL_SECONDS}.`,
    '',
    '| Server | Docker calls before the count (start, first check) | Docker calls / min | of which by kind |' +
      ' CPU s / min | RSS MiB: start / max / end | RSS MiB, mean of the last minute |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    const kinds = Object.entries(result.byCall)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    lines.push(
      `| ${result.label} | ${result.openingCalls} | ${result.callsPerMinute.toFixed(1)} | ${kinds || '—'} | ` +
        `${result.cpuSecondsPerMinute.toFixed(2)} | ${result.rssStartMiB.toFixed(0)} / ` +
        `${result.rssMaxMiB.toFixed(0)} / ${result.rssEndMiB.toFixed(0)} | ` +
        `${result.rssLastMinuteMeanMiB.toFixed(0)} |`,
    );
  }
  const [off, on] = results;
  if (off && on) {
    lines.push(
      '',
      `The watcher's cost, same run: ${(on.callsPerMinute - off.callsPerMinute).toFixed(1)} Docker calls / min, ` +
        `${(on.rssLastMinuteMeanMiB - off.rssLastMinuteMeanMiB).toFixed(0)} MiB RSS (last-minute means), ` +
        `${(on.cpuSecondsPerMinute - off.cpuSecondsPerMinute).toFixed(2)} CPU s / min. ` +
        `Webhook messages sent during the run: ${messages} (the test bed's standing problems, once each).`,
    );
  }
  return lines.join('\n');
}

await main();
