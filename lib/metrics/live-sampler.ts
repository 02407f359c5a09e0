import 'server-only';

import { readFile } from 'node:fs/promises';
import os from 'node:os';

import type Docker from 'dockerode';

import { getConfig } from '../config';
import { dockerCalls } from '../docker/client';
import { dockerUnavailable } from '../docker/errors';
import { COMPOSE_LABELS, projectFilter } from '../docker/labels';
import { AppError, toErrorView, type ErrorView } from '../errors';
import type { LiveContainerSample, LiveHostSample, LiveSample, MetricsLiveMessage } from './live-types';

/** How much history the sampler keeps, and so what a newly opened page sees at once. */
export const LIVE_WINDOW_MS = 15 * 60_000;

/**
 * The fields of Docker's stats answer read here. All optional: cgroup v1, cgroup v2 and old daemons
 * differ, and a container that stopped between listing and reading answers with empty sections.
 */
export interface StatsReading {
  read?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  memory_stats?: { usage?: number; limit?: number; stats?: Readonly<Record<string, number | undefined>> };
  networks?: Readonly<Record<string, { rx_bytes?: number; tx_bytes?: number }>>;
}

export interface RunningContainer {
  id: string;
  name: string;
  service: string;
}

export interface ContainerCounters {
  readMs: number;
  cpuTotal: number;
  systemCpu: number;
  network?: { rx: number; tx: number };
}

interface CpuTimes {
  idle: number;
  total: number;
}

interface HostReading {
  memTotalBytes: number;
  memAvailableBytes: number;
  cpu: CpuTimes | undefined;
  load: number[];
}

export interface StatsRead {
  container: RunningContainer;
  stats: StatsReading;
}

type DockerReading = { ok: true; readings: StatsRead[] } | { ok: false; error: ErrorView };

/**
 * Memory without the reclaimable page cache, exactly as docker stats (and Telegraf) compute it:
 * usage − total_inactive_file on cgroup v1, − inactive_file on cgroup v2, − cache on Docker ≤ 19.03.
 */
export function containerMemoryBytes(memory: {
  usage?: number;
  stats?: Readonly<Record<string, number | undefined>>;
}): number {
  const usage = memory.usage ?? 0;
  const stats = memory.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file;
  if (v2 !== undefined) return v2 < usage ? usage - v2 : usage;
  const cache = stats.cache;
  return cache !== undefined && cache < usage ? usage - cache : usage;
}

function statusCodeOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

function toDockerError(error: unknown): ErrorView {
  return toErrorView(error instanceof AppError ? error : dockerUnavailable(error, getConfig().docker));
}

/** Only the running containers, from the list answer alone: the sampler needs no inspect per round. */
async function listRunning(docker: Docker, project: string): Promise<RunningContainer[]> {
  const summaries = await docker.listContainers({ filters: { ...projectFilter(project), status: ['running'] } });
  return summaries.map((summary) => {
    const name = (summary.Names[0] ?? summary.Id).replace(/^\//, '');
    return { id: summary.Id, name, service: summary.Labels[COMPOSE_LABELS.service] ?? name };
  });
}

async function readStats(docker: Docker, id: string): Promise<StatsReading> {
  // one-shot (API 1.41, Docker 20.10) skips the priming frame that fills precpu_stats, a second's wait;
  // CPU comes from this sampler's own consecutive readings instead. The answer still waits for the
  // daemon's next stats tick, so a round takes from tens of ms to about a second.
  const stats: StatsReading = await docker.getContainer(id).stats({ stream: false, 'one-shot': true });
  return stats;
}

async function readMemory(): Promise<{ total: number; available: number }> {
  try {
    const text = await readFile('/proc/meminfo', 'utf8');
    const bytes = (key: string): number | undefined => {
      const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
      return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
    };
    const total = bytes('MemTotal');
    const free = bytes('MemFree');
    // Kernels before 3.14 lack MemAvailable; free plus buffers and page cache is the old estimate.
    const available =
      bytes('MemAvailable') ??
      (free === undefined ? undefined : free + (bytes('Buffers') ?? 0) + (bytes('Cached') ?? 0));
    if (total !== undefined && available !== undefined) return { total, available };
  } catch {
    // Not Linux (a developer's machine): fall through to Node's numbers.
  }
  return { total: os.totalmem(), available: os.freemem() };
}

async function readCpuTimes(): Promise<CpuTimes | undefined> {
  try {
    const text = await readFile('/proc/stat', 'utf8');
    const line = /^cpu\s+(.+)$/m.exec(text)?.[1];
    if (line) {
      // user nice system idle iowait irq softirq steal; guest time is already counted in user.
      const fields = line.trim().split(/\s+/).slice(0, 8).map(Number);
      if (fields.length >= 4 && fields.every(Number.isFinite)) {
        return { idle: fields[3]!, total: fields.reduce((sum, value) => sum + value, 0) };
      }
    }
  } catch {
    // Not Linux: fall through.
  }
  const cpus = os.cpus();
  if (cpus.length === 0) return undefined;
  let idle = 0;
  let total = 0;
  for (const { times } of cpus) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

async function readHost(): Promise<HostReading> {
  const [memory, cpu] = await Promise.all([readMemory(), readCpuTimes()]);
  return { memTotalBytes: memory.total, memAvailableBytes: memory.available, cpu, load: os.loadavg() };
}

/** Busy share as Telegraf reports it (100 − usage_idle), so it lines up with the InfluxDB charts. */
function busyPercent(previous: CpuTimes | undefined, current: CpuTimes | undefined): number | null {
  if (!previous || !current) return null;
  const total = current.total - previous.total;
  const idle = current.idle - previous.idle;
  if (total <= 0 || idle < 0) return null;
  return Math.min(100, Math.max(0, 100 * (1 - idle / total)));
}

function networkTotals(networks: StatsReading['networks']): { rx: number; tx: number } | undefined {
  const entries = Object.values(networks ?? {});
  if (entries.length === 0) return undefined;
  let rx = 0;
  let tx = 0;
  for (const network of entries) {
    rx += network.rx_bytes ?? 0;
    tx += network.tx_bytes ?? 0;
  }
  return { rx, tx };
}

function rate(previous: number | undefined, current: number | undefined, seconds: number): number | null {
  if (previous === undefined || current === undefined || seconds <= 0 || current < previous) return null;
  return (current - previous) / seconds;
}

/** As docker stats: the container's share of the host's CPU time, scaled so that one core is 100 %. */
function cpuPercent(
  previous: ContainerCounters | undefined,
  current: ContainerCounters,
  onlineCpus: number,
): number | null {
  if (!previous || onlineCpus <= 0) return null;
  const cpuDelta = current.cpuTotal - previous.cpuTotal;
  const systemDelta = current.systemCpu - previous.systemCpu;
  // A negative delta is a restart under the same id: the counters began again.
  if (cpuDelta < 0 || systemDelta <= 0) return null;
  return (cpuDelta / systemDelta) * onlineCpus * 100;
}

/** One round's container readings as samples, with the counters to compute the next round's rates from. */
export function containerSamples(
  readings: readonly StatsRead[],
  previousCounters: ReadonlyMap<string, ContainerCounters>,
): { samples: LiveContainerSample[]; counters: Map<string, ContainerCounters> } {
  const samples: LiveContainerSample[] = [];
  const counters = new Map<string, ContainerCounters>();
  for (const { container, stats } of readings) {
    const memory = stats.memory_stats;
    const cpuTotal = stats.cpu_stats?.cpu_usage?.total_usage;
    const systemCpu = stats.cpu_stats?.system_cpu_usage;
    // Empty sections: it stopped between the list and the read.
    if (memory?.usage === undefined || cpuTotal === undefined || systemCpu === undefined) continue;
    const readMs = Date.parse(stats.read ?? '');
    const current: ContainerCounters = {
      readMs: Number.isNaN(readMs) ? Date.now() : readMs,
      cpuTotal,
      systemCpu,
      network: networkTotals(stats.networks),
    };
    const previous = previousCounters.get(container.id);
    const onlineCpus = stats.cpu_stats?.online_cpus || stats.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
    const seconds = previous ? (current.readMs - previous.readMs) / 1000 : 0;
    counters.set(container.id, current);
    samples.push({
      ...container,
      memBytes: containerMemoryBytes(memory),
      memLimitBytes: memory.limit ?? 0,
      cpuPercent: cpuPercent(previous, current, onlineCpus),
      rxBytesPerSecond: rate(previous?.network?.rx, current.network?.rx, seconds),
      txBytesPerSecond: rate(previous?.network?.tx, current.network?.tx, seconds),
    });
  }
  return { samples, counters };
}

/**
 * The fallback metrics source when InfluxDB is absent or down: one shared sampler of Docker's stats API
 * and the host's /proc, run by the live hub only while a browser looks (lib/live/index.ts makes it the
 * metrics topic's source). Keeps about 15 minutes of samples so that a page opened later starts with a
 * filled window.
 */
export class LiveStatsSampler {
  private samples: LiveSample[] = [];
  private counters = new Map<string, ContainerCounters>();
  private cpuTimes: CpuTimes | undefined;
  private active = false;
  private busy = false;
  private generation = 0;
  private intervalMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private emit: (message: MetricsLiveMessage) => void = () => undefined;

  /** For the tests and benchmarks: rounds run, ticks skipped because a round was still running, Docker calls made. */
  readonly stats = { rounds: 0, skipped: 0, dockerCalls: 0, lastRoundMs: 0 };

  start(emit: (message: MetricsLiveMessage) => void): void {
    this.stop();
    this.emit = emit;
    this.active = true;
    this.intervalMs = getConfig().metricsIntervalMs;
    const generation = this.generation;
    // The first listener gets no snapshot from the hub; this tells it the interval and window at once.
    emit(this.window());
    void this.round(generation);
    this.timer = setInterval(() => void this.round(generation), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.active = false;
    this.generation += 1;
    clearInterval(this.timer);
    this.timer = undefined;
    this.busy = false;
    this.samples = [];
    this.counters = new Map();
    this.cpuTimes = undefined;
  }

  snapshot(): MetricsLiveMessage | undefined {
    return this.active ? this.window() : undefined;
  }

  private window(): MetricsLiveMessage {
    return { type: 'window', samples: [...this.samples], intervalMs: this.intervalMs, windowMs: LIVE_WINDOW_MS };
  }

  private async round(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    if (this.busy) {
      this.stats.skipped += 1;
      return;
    }
    this.busy = true;
    this.stats.rounds += 1;
    const atMs = Date.now();
    try {
      const [host, docker] = await Promise.all([readHost(), this.readDocker(generation)]);
      // Stopped (or stopped and started again) meanwhile: this round belongs to nobody.
      if (generation !== this.generation) return;
      const sample: LiveSample = { atMs, host: this.hostSample(host), containers: [] };
      if (docker.ok) {
        const next = containerSamples(docker.readings, this.counters);
        this.counters = next.counters;
        sample.containers = next.samples;
      } else {
        // The counters stay: the next good round's CPU is then the average over the gap.
        sample.docker = docker.error;
      }
      this.samples.push(sample);
      while (this.samples.length > 0 && this.samples[0]!.atMs < atMs - LIVE_WINDOW_MS) this.samples.shift();
      this.stats.lastRoundMs = Date.now() - atMs;
      this.emit({ type: 'sample', sample });
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  private async readDocker(generation: number): Promise<DockerReading> {
    let docker: Docker;
    let running: RunningContainer[];
    try {
      docker = dockerCalls();
      this.stats.dockerCalls += 1;
      running = await listRunning(docker, getConfig().composeProject);
    } catch (error) {
      return { ok: false, error: toDockerError(error) };
    }
    if (generation !== this.generation) return { ok: true, readings: [] };
    this.stats.dockerCalls += running.length;
    const results = await Promise.allSettled(running.map((container) => readStats(docker, container.id)));
    const readings: StatsRead[] = [];
    let failure: unknown;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') readings.push({ container: running[index]!, stats: result.value });
      // 404: removed since the list; it simply drops out of this sample.
      else if (statusCodeOf(result.reason) !== 404) failure ??= result.reason;
    });
    // One slow container is a gap in its own line; Docker failing for all of them is Docker failing.
    if (failure !== undefined && readings.length === 0) return { ok: false, error: toDockerError(failure) };
    return { ok: true, readings };
  }

  private hostSample(host: HostReading): LiveHostSample {
    const cpuBusyPercent = busyPercent(this.cpuTimes, host.cpu);
    this.cpuTimes = host.cpu;
    return {
      memTotalBytes: host.memTotalBytes,
      memAvailableBytes: host.memAvailableBytes,
      memUsedBytes: host.memTotalBytes - host.memAvailableBytes,
      cpuBusyPercent,
      load1: host.load[0] ?? 0,
      load5: host.load[1] ?? 0,
      load15: host.load[2] ?? 0,
    };
  }
}
