/**
 * From a Docker event to the change in a browser (issue 8): a container of the project is stopped and
 * started again, BENCH_ROUNDS times. Each change's latency is the time the open page (Debian's chromium,
 * through playwright) saw the card change state, minus the time in Docker's event (`timeNano`). Both clocks
 * are this machine's. The baseline, from the same run, is when a plain Docker event subscriber in this
 * process received the same event. Target: p95 under 300 ms.
 *
 * Run: npm run bench:events (needs the test bed, scripts/testbed/up.sh, and the production build).
 * Env: BENCH_ROUNDS (default 20). The results are printed and written to BENCHMARKS.md.
 */

import Docker from 'dockerode';
import { chromium } from '@playwright/test';

import { projectFilter } from '../lib/docker/labels';
import { plantSession } from '../test/support/next-build';
import { startServer } from '../test/support/server';
import { readTestbed } from '../test/support/testbed';
import { writeBenchmarkSection } from './support/benchmarks-md';
import { percentile, runHeader } from './support/measure';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '20');
const testbed = readTestbed();
const docker = new Docker({ socketPath: testbed.dockerHost.replace(/^unix:\/\//, '') });
const TARGET = `${testbed.project}-streaming-1`;

interface Seen {
  state: string;
  at: number;
}

async function main(): Promise<void> {
  const server = await startServer({ DASHBOARD_PASSWORD: 'bench-events-password-long' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  // Docker's own delivery, to a subscriber in this process: the baseline.
  const events = (await docker.getEvents({
    filters: { ...projectFilter(testbed.project), type: ['container'], event: ['die', 'start'] },
  })) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const received: Array<{ action: string; name: string; eventMs: number; receivedMs: number }> = [];
  events.on('data', (chunk: Buffer) => {
    const receivedMs = Date.now();
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      const event = JSON.parse(line) as { Action: string; timeNano: number; Actor: { Attributes: { name: string } } };
      received.push({
        action: event.Action,
        name: event.Actor.Attributes.name,
        eventMs: event.timeNano / 1e6,
        receivedMs,
      });
    }
  });
  try {
    const { cookie } = plantSession(server.dataDir);
    const context = await browser.newContext();
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/' }]);
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.locator('[data-testid="live-indicator"][data-connection="live"]').waitFor();
    // Every state the card takes, with the page's clock, recorded as it happens.
    await page.evaluate((card) => {
      const seen: Seen[] = [];
      (window as unknown as { __seen: Seen[] }).__seen = seen;
      const target = document.querySelector(`[data-testid="container-${card}"]`);
      if (!target) throw new Error(`no card for ${card}`);
      new MutationObserver(() => seen.push({ state: target.getAttribute('data-state') ?? '', at: Date.now() })).observe(
        target,
        {
          attributes: true,
          attributeFilter: ['data-state'],
        },
      );
    }, TARGET);

    const browserMs: Record<'die' | 'start', number[]> = { die: [], start: [] };
    const baselineMs: Record<'die' | 'start', number[]> = { die: [], start: [] };
    const container = docker.getContainer(TARGET);
    const seenState = async (state: string, after: number): Promise<number> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const seen = await page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);
        const hit = seen.find((each) => each.state === state && each.at >= after);
        if (hit) return hit.at;
        if (Date.now() > deadline) throw new Error(`the page did not show ${TARGET} ${state}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const eventOf = async (action: string, after: number) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const hit = received.find(
          (each) => each.action === action && each.name === TARGET && each.eventMs >= after - 5,
        );
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no ${action} event for ${TARGET}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    for (let round = 0; round < ROUNDS; round++) {
      const stopAt = Date.now();
      await container.stop({ t: 0 });
      const died = await eventOf('die', stopAt);
      browserMs.die.push((await seenState('exited', stopAt)) - died.eventMs);
      baselineMs.die.push(died.receivedMs - died.eventMs);
      const startAt = Date.now();
      await container.start();
      const started = await eventOf('start', startAt);
      browserMs.start.push((await seenState('running', startAt)) - started.eventMs);
      baselineMs.start.push(started.receivedMs - started.eventMs);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const cell = (values: number[]) =>
      `${percentile(values, 0.5).toFixed(0)} / ${percentile(values, 0.95).toFixed(0)} / ` +
      `${Math.max(...values).toFixed(0)}`;
    const body = [
      `${runHeader()}, chromium ${browser.version()}; ${ROUNDS} stops and starts of ${TARGET}.`,
      '',
      '| Change | Event → browser, p50 / p95 / max ms | Baseline: event → a Docker subscriber' +
        ' here, p50 / p95 / max ms |',
      '|---|---|---|',
      `| dies (\`die\` → card shows exited) | ${cell(browserMs.die)} | ${cell(baselineMs.die)} |`,
      `| starts (\`start\` → card shows running) | ${cell(browserMs.start)} | ${cell(baselineMs.start)} |`,
    ].join('\n');
    writeBenchmarkSection('events', body);
  } finally {
    events.destroy();
    await browser.close();
    await server.stop();
    // The stand-in must be running for whatever comes next.
    await docker
      .getContainer(TARGET)
      .start()
      .catch(() => undefined);
  }
}

await main();
