import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { resetDockerClientsForTesting } from '@/lib/docker/client';
import { LiveTopic } from '@/lib/live/hub';
import {
  containerMemoryBytes,
  containerSamples,
  LIVE_WINDOW_MS,
  LiveStatsSampler,
  type StatsReading,
} from '@/lib/metrics/live-sampler';
import type { LiveSample, MetricsLiveMessage } from '@/lib/metrics/live-types';
import { english } from '../../support/rendered-texts';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
const INTERVAL_MS = 2_000;
const GRACE_MS = 500;
const KIB = 1024;

function configure(dockerHost: string, extra: Record<string, string> = {}): void {
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: dockerHost,
        COMPOSE_PROJECT: testbed.project,
        METRICS_INTERVAL_SECONDS: String(INTERVAL_MS / 1000),
        ...extra,
      },
    }),
  );
  resetDockerClientsForTesting();
}

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

interface Running {
  id: string;
  name: string;
  service: string;
}

async function runningContainers(): Promise<Running[]> {
  const out = await docker(
    'ps',
    '--no-trunc',
    '--filter',
    `label=com.docker.compose.project=${testbed.project}`,
    '--filter',
    'status=running',
    '--format',
    '{{.ID}} {{.Names}} {{.Label "com.docker.compose.service"}}',
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = '', service = ''] = line.split(' ');
      return { id, name, service };
    });
}

/** docker stats prints binary units with four significant digits: "860KiB", "1.035MiB", "23.54GiB", "0B". */
function parseBytes(text: string): number {
  const match = /^([\d.]+)\s*(B|KiB|MiB|GiB|TiB|kB|MB|GB|TB)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new Error(`cannot parse ${JSON.stringify(text)} as bytes`);
  const factor: Record<string, number> = {
    B: 1,
    KiB: KIB,
    MiB: KIB ** 2,
    GiB: KIB ** 3,
    TiB: KIB ** 4,
    kB: 1e3,
    MB: 1e6,
    GB: 1e9,
    TB: 1e12,
  };
  return Number(match[1]) * factor[match[2]]!;
}

interface DockerStatsRow {
  name: string;
  memBytes: number;
  limitBytes: number;
  cpuPercent: number;
}

async function dockerStats(names: readonly string[]): Promise<DockerStatsRow[]> {
  const out = await docker('stats', '--no-stream', '--format', '{{json .}}', ...names);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { Name: string; MemUsage: string; CPUPerc: string };
      const [used = '', limit = ''] = row.MemUsage.split(' / ');
      return {
        name: row.Name,
        memBytes: parseBytes(used),
        limitBytes: parseBytes(limit),
        cpuPercent: Number.parseFloat(row.CPUPerc),
      };
    });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function samplesOf(messages: readonly MetricsLiveMessage[]): LiveSample[] {
  return messages.flatMap((m) => (m.type === 'sample' ? [m.sample] : []));
}

function memTotalFromProc(): number {
  const match = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!match?.[1]) throw new Error('no MemTotal in /proc/meminfo');
  return Number(match[1]) * KIB;
}

const cleanups: Array<() => void> = [];

beforeAll(() => configure(testbed.dockerHost));

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(() => {
  setConfigForTesting(undefined);
  resetDockerClientsForTesting();
});

function startTopic(): { sampler: LiveStatsSampler; topic: LiveTopic<MetricsLiveMessage> } {
  const sampler = new LiveStatsSampler();
  cleanups.push(() => sampler.stop());
  return { sampler, topic: new LiveTopic(sampler, GRACE_MS) };
}

function listen(topic: LiveTopic<MetricsLiveMessage>): { messages: MetricsLiveMessage[]; unsubscribe: () => void } {
  const messages: MetricsLiveMessage[] = [];
  const unsubscribe = topic.subscribe((message) => messages.push(message));
  cleanups.push(unsubscribe);
  return { messages, unsubscribe };
}

describe('LiveStatsSampler on the live hub, against the test bed dockerd', () => {
  it('runs only while someone listens, shares its rounds between listeners, and stops after the last leaves', async () => {
    const running = await runningContainers();
    expect(running.length).toBeGreaterThan(0);
    const { sampler, topic } = startTopic();

    // Nothing runs before the first listener.
    await sleep(INTERVAL_MS + 200);
    expect(sampler.stats).toMatchObject({ rounds: 0, dockerCalls: 0 });
    expect(sampler.snapshot()).toBeUndefined();

    const subscribedAt = Date.now();
    const a = listen(topic);
    expect(a.messages[0]).toEqual({ type: 'window', samples: [], intervalMs: INTERVAL_MS, windowMs: LIVE_WINDOW_MS });
    await waitUntil(() => samplesOf(a.messages).length >= 1, INTERVAL_MS, 'first sample');
    // The first round starts at once, not one interval later.
    expect(Date.now() - subscribedAt).toBeLessThan(INTERVAL_MS);

    const [first] = samplesOf(a.messages);
    expect(first!.docker).toBeUndefined();
    expect(first!.containers.map((c) => c.id).sort()).toEqual(running.map((c) => c.id).sort());
    for (const container of first!.containers) {
      const expected = running.find((c) => c.id === container.id)!;
      expect(container).toMatchObject({
        name: expected.name,
        service: expected.service,
        cpuPercent: null,
        rxBytesPerSecond: null,
        txBytesPerSecond: null,
      });
      expect(container.memBytes).toBeGreaterThan(0);
      expect(container.memLimitBytes).toBeGreaterThan(container.memBytes);
    }
    expect(first!.host.cpuBusyPercent).toBeNull();
    expect(first!.host.memTotalBytes).toBe(memTotalFromProc());
    expect(first!.host.memUsedBytes).toBe(first!.host.memTotalBytes - first!.host.memAvailableBytes);

    await waitUntil(() => samplesOf(a.messages).length >= 2, INTERVAL_MS + 1_000, 'second sample');
    const second = samplesOf(a.messages)[1]!;
    expect(second.atMs - first!.atMs).toBeGreaterThanOrEqual(INTERVAL_MS - 100);
    expect(second.host.cpuBusyPercent).toBeGreaterThanOrEqual(0);
    expect(second.host.cpuBusyPercent).toBeLessThanOrEqual(100);
    for (const container of second.containers) {
      expect(container.cpuPercent).toBeTypeOf('number');
      expect(container.cpuPercent).toBeGreaterThanOrEqual(0);
    }
    const perRound = 1 + running.length;
    expect(sampler.stats.dockerCalls).toBe(sampler.stats.rounds * perRound);

    // A second listener gets the window so far, then the same samples, from the same rounds.
    const b = listen(topic);
    expect(b.messages[0]).toMatchObject({ type: 'window', intervalMs: INTERVAL_MS });
    expect(b.messages[0]!.type === 'window' && b.messages[0]!.samples).toEqual(samplesOf(a.messages));
    const before = { ...sampler.stats };
    const countedA = samplesOf(a.messages).length;
    const sharedFrom = Date.now();
    await waitUntil(() => samplesOf(a.messages).length >= countedA + 3, 3 * INTERVAL_MS + 2_000, 'three more samples');
    const elapsed = Date.now() - sharedFrom;
    const rounds = sampler.stats.rounds - before.rounds;
    expect(rounds).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL_MS) + 1);
    expect(sampler.stats.dockerCalls - before.dockerCalls).toBe(rounds * perRound);
    expect(samplesOf(b.messages)).toEqual(samplesOf(a.messages).slice(countedA));
    expect(sampler.stats.skipped).toBe(0);

    // One listener leaving changes nothing.
    a.unsubscribe();
    const countedB = samplesOf(b.messages).length;
    await waitUntil(
      () => samplesOf(b.messages).length > countedB,
      INTERVAL_MS + 1_000,
      'a sample after the first listener left',
    );
    expect(topic.isRunning).toBe(true);

    // The last one leaving stops it after the grace period: no more Docker calls, no more messages.
    b.unsubscribe();
    await sleep(GRACE_MS + 100);
    expect(topic.isRunning).toBe(false);
    expect(sampler.snapshot()).toBeUndefined();
    const stopped = { ...sampler.stats };
    const messageCounts = [a.messages.length, b.messages.length];
    await sleep(3 * INTERVAL_MS);
    expect(sampler.stats.dockerCalls).toBe(stopped.dockerCalls);
    expect(sampler.stats.rounds).toBe(stopped.rounds);
    expect([a.messages.length, b.messages.length]).toEqual(messageCounts);

    // A new listener starts it again from an empty window.
    const c = listen(topic);
    expect(c.messages[0]).toEqual({ type: 'window', samples: [], intervalMs: INTERVAL_MS, windowMs: LIVE_WINDOW_MS });
    await waitUntil(() => samplesOf(c.messages).length >= 1, INTERVAL_MS, 'first sample after restart');
    expect(samplesOf(c.messages)[0]!.containers.every((container) => container.cpuPercent === null)).toBe(true);
  });

  it('measures memory and CPU per container as docker stats does, and counts its cost', async () => {
    const running = await runningContainers();
    const { sampler, topic } = startTopic();
    const listener = listen(topic);
    await waitUntil(() => samplesOf(listener.messages).length >= 1, INTERVAL_MS, 'first sample');
    const roundMs: number[] = [];
    const unsubscribe = topic.subscribe((message) => {
      if (message.type === 'sample') roundMs.push(sampler.stats.lastRoundMs);
    });
    cleanups.push(unsubscribe);

    // docker stats --no-stream takes about two seconds; two runs overlap about three of our rounds.
    const theirs = [
      ...(await dockerStats(running.map((c) => c.name))),
      ...(await dockerStats(running.map((c) => c.name))),
    ];
    await waitUntil(() => samplesOf(listener.messages).length >= 4, 2 * INTERVAL_MS + 1_000, 'four samples');
    const ours = samplesOf(listener.messages);

    for (const { name } of running) {
      const mine = ours.flatMap((s) => s.containers.filter((c) => c.name === name));
      const rows = theirs.filter((row) => row.name === name);
      expect(mine.length, name).toBe(ours.length);
      expect(rows.length, name).toBe(2);
      // Health probes run in the stand-ins every 2 s and move memory by a few hundred KiB: compare the calm readings.
      const myMem = Math.min(...mine.map((c) => c.memBytes));
      const theirMem = Math.min(...rows.map((row) => row.memBytes));
      expect(Math.abs(myMem - theirMem), `${name}: ours ${myMem}, docker stats ${theirMem}`).toBeLessThanOrEqual(
        Math.max(0.05 * theirMem, 512 * KIB),
      );
      // The limit is printed with four significant digits.
      expect(Math.abs(mine[0]!.memLimitBytes - rows[0]!.limitBytes) / rows[0]!.limitBytes, name).toBeLessThan(0.005);

      const myCpu = mine.flatMap((c) => (c.cpuPercent === null ? [] : [c.cpuPercent]));
      expect(myCpu.length, name).toBeGreaterThanOrEqual(3);
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
      expect(
        Math.abs(mean(myCpu) - mean(rows.map((row) => row.cpuPercent))),
        `${name}: ours ${myCpu.join(', ')}, docker stats ${rows.map((r) => r.cpuPercent).join(', ')}`,
      ).toBeLessThanOrEqual(5);
    }

    const { rounds, dockerCalls } = sampler.stats;
    const perRound = dockerCalls / rounds;
    expect(perRound).toBe(1 + running.length);
    console.info(
      `[live-sampler] ${running.length} containers: ${perRound} Docker calls per round; round times ${roundMs.join(', ')} ms; window message ${JSON.stringify(sampler.snapshot()).length} bytes for ${ours.length} samples`,
    );
  });

  it('lets nothing of a round in flight at stop() through: no sample, no stats calls', async () => {
    const { sampler } = startTopic();
    const messages: MetricsLiveMessage[] = [];
    sampler.start((message) => messages.push(message));
    // The first round has begun (it lists containers) but cannot have finished.
    expect(sampler.stats).toMatchObject({ rounds: 1, dockerCalls: 1 });
    sampler.stop();
    await sleep(INTERVAL_MS + 1_000);
    expect(messages.map((m) => m.type)).toEqual(['window']);
    expect(sampler.stats).toMatchObject({ rounds: 1, dockerCalls: 1 });
    expect(sampler.snapshot()).toBeUndefined();
  });

  it('turns a missing Docker socket into the sample’s docker error and still measures the host', async () => {
    configure('unix:///run/mastodash-testbed/nothing-here.sock');
    try {
      const { sampler, topic } = startTopic();
      const listener = listen(topic);
      await waitUntil(() => samplesOf(listener.messages).length >= 2, INTERVAL_MS + 2_000, 'two samples');
      const [first, second] = samplesOf(listener.messages);
      expect(first!.containers).toEqual([]);
      expect(english(first!.docker)).toMatchObject({
        code: 'docker_socket_missing',
        detail: expect.stringContaining('nothing-here.sock'),
      });
      expect(first!.host.memTotalBytes).toBe(memTotalFromProc());
      expect(second!.host.cpuBusyPercent).toBeTypeOf('number');
      expect(sampler.stats.dockerCalls).toBe(sampler.stats.rounds);
    } finally {
      configure(testbed.dockerHost);
    }
  });
});

describe('LiveStatsSampler when Docker hangs', () => {
  it('skips ticks while a round is still running instead of piling rounds up, then reports the hung Docker as the sample’s error', async () => {
    // Accepts connections and never answers, as a hung daemon does.
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    configure(`tcp://127.0.0.1:${port}`, { DOCKER_TIMEOUT_MS: '4500' });
    try {
      const { sampler, topic } = startTopic();
      const listener = listen(topic);
      await sleep(2 * INTERVAL_MS + 200);
      expect(sampler.stats).toMatchObject({ rounds: 1, skipped: 2 });
      expect(samplesOf(listener.messages)).toEqual([]);
      await waitUntil(() => samplesOf(listener.messages).length >= 1, 2_000, 'the timed-out sample');
      const [sample] = samplesOf(listener.messages);
      // A Docker that accepts and never answers is "not answering", not "down".
      expect(sample!.docker?.code).toBe('docker_not_answering');
      expect(english(sample!.docker)?.detail).toContain(`127.0.0.1:${port}`);
      expect(sample!.atMs + 4_500).toBeLessThanOrEqual(Date.now());
      expect(sample!.containers).toEqual([]);
      expect(sample!.host.memTotalBytes).toBe(memTotalFromProc());
    } finally {
      configure(testbed.dockerHost);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('containerMemoryBytes', () => {
  it('subtracts the reclaimable page cache as docker stats does on cgroup v1, cgroup v2 and Docker 19.03', () => {
    expect(
      containerMemoryBytes({ usage: 1000, stats: { total_inactive_file: 300, inactive_file: 100, cache: 500 } }),
    ).toBe(700);
    expect(containerMemoryBytes({ usage: 1000, stats: { inactive_file: 250, file: 400, anon: 600 } })).toBe(750);
    expect(containerMemoryBytes({ usage: 1000, stats: { cache: 400 } })).toBe(600);
    // Never below zero: a larger counter than usage leaves usage as it is.
    expect(containerMemoryBytes({ usage: 1000, stats: { inactive_file: 2000 } })).toBe(1000);
    expect(containerMemoryBytes({ usage: 1000 })).toBe(1000);
  });
});

describe('containerSamples', () => {
  const web = { id: 'aaa', name: 'mastodon-web-1', service: 'web' };
  const reading = (at: string, cpu: number, system: number, networks?: StatsReading['networks']): StatsReading => ({
    read: at,
    cpu_stats: { cpu_usage: { total_usage: cpu }, system_cpu_usage: system, online_cpus: 4 },
    memory_stats: { usage: 10 * KIB ** 2, limit: KIB ** 3, stats: { total_inactive_file: KIB ** 2 } },
    ...(networks ? { networks } : {}),
  });

  it('computes CPU as docker stats does and network rates summed over networks, from consecutive readings', () => {
    const first = containerSamples(
      [
        {
          container: web,
          stats: reading('2026-01-01T00:00:00Z', 1e9, 100e9, {
            eth0: { rx_bytes: 1000, tx_bytes: 500 },
            eth1: { rx_bytes: 0, tx_bytes: 0 },
          }),
        },
      ],
      new Map(),
    );
    expect(first.samples).toEqual([
      {
        ...web,
        memBytes: 9 * KIB ** 2,
        memLimitBytes: KIB ** 3,
        cpuPercent: null,
        rxBytesPerSecond: null,
        txBytesPerSecond: null,
      },
    ]);
    // 10 s later: 2 s of CPU out of 40 s of all four cores' time = 5 % of the host = 20 % of one core.
    const second = containerSamples(
      [
        {
          container: web,
          stats: reading('2026-01-01T00:00:10Z', 3e9, 140e9, {
            eth0: { rx_bytes: 21_000, tx_bytes: 2_500 },
            eth1: { rx_bytes: 10_000, tx_bytes: 0 },
          }),
        },
      ],
      first.counters,
    );
    expect(second.samples[0]).toMatchObject({ cpuPercent: 20, rxBytesPerSecond: 3_000, txBytesPerSecond: 200 });
  });

  it('gives null instead of nonsense after a restart, without networks, and drops a container that stopped meanwhile', () => {
    const first = containerSamples(
      [
        {
          container: web,
          stats: reading('2026-01-01T00:00:00Z', 5e9, 100e9, { eth0: { rx_bytes: 9000, tx_bytes: 9000 } }),
        },
      ],
      new Map(),
    );
    const restarted = containerSamples(
      [
        {
          container: web,
          stats: reading('2026-01-01T00:00:10Z', 1e8, 140e9, { eth0: { rx_bytes: 10, tx_bytes: 10 } }),
        },
      ],
      first.counters,
    );
    expect(restarted.samples[0]).toMatchObject({ cpuPercent: null, rxBytesPerSecond: null, txBytesPerSecond: null });
    const noNetwork = containerSamples(
      [{ container: web, stats: reading('2026-01-01T00:00:20Z', 2e8, 180e9) }],
      restarted.counters,
    );
    expect(noNetwork.samples[0]).toMatchObject({ cpuPercent: 1, rxBytesPerSecond: null, txBytesPerSecond: null });
    const stopped = containerSamples(
      [{ container: web, stats: { read: '0001-01-01T00:00:00Z', memory_stats: {}, cpu_stats: { cpu_usage: {} } } }],
      noNetwork.counters,
    );
    expect(stopped.samples).toEqual([]);
    expect(stopped.counters.size).toBe(0);
  });
});
