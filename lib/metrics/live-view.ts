import { text, type Text } from '../i18n/text';
import { chart, CPU_PER_SERVICE_NOTE, MEMORY_PER_SERVICE_NOTE, newestPoint } from './charts';
import type { LiveContainerSample, LiveSample } from './live-types';
import type { HeadlineView, MetricChart, MetricPoint, MetricSeries, MetricsNotice, MetricsView } from './types';

/**
 * The live sampler's samples as the same charts and headline the InfluxDB path produces (same chart
 * ids and series keys), so the graphs page does not care which source it got. Pure: the server renders
 * the first view with it and the browser recomputes it as samples stream in.
 */

export type LiveReason = 'not_configured' | 'influx_failed';

export interface LiveViewOptions {
  intervalMs: number;
  windowMs: number;
  reason: LiveReason;
  nowMs: number;
  /** Services in this order first (the compose file's), the rest alphabetically. */
  serviceOrder?: readonly string[];
}

const HOUR_MS = 3_600_000;
const NETWORK_NOTE = text('graphs.notes.liveNetwork');

function duration(ms: number): Text {
  if (ms % 60_000 === 0) return text('graphs.live.minutes', { count: ms / 60_000 });
  return text('graphs.live.seconds', { seconds: Math.round(ms / 100) / 10 });
}

function liveNotices(
  samples: readonly LiveSample[],
  reason: LiveReason,
  windowMs: number,
  intervalMs?: number,
): MetricsNotice[] {
  const every = intervalMs === undefined ? '' : text('graphs.live.every', { duration: duration(intervalMs) });
  const notices: MetricsNotice[] = [
    { level: 'info', text: text('graphs.live.notice', { every, reason, window: duration(windowMs) }) },
  ];
  const newest = samples[samples.length - 1];
  if (!newest) notices.push({ level: 'info', text: text('graphs.live.waiting') });
  else if (newest.docker) {
    const { title, detail, fix } = newest.docker;
    notices.push({
      level: 'warning',
      text: text('graphs.live.dockerFailed', { title, detail, fix: fix ? text('graphs.live.fix', { fix }) : '' }),
    });
  }
  return notices;
}

function seriesOf(key: string, label: Text | string, points: MetricPoint[]): MetricSeries {
  const newest = newestPoint(points);
  return { key, label, points, ...(newest ? { lastSeenMs: newest[0] } : {}) };
}

function orderedServices(samples: readonly LiveSample[], order: readonly string[]): string[] {
  const services = new Set<string>();
  for (const sample of samples) for (const container of sample.containers) services.add(container.service);
  const rank = (service: string) => {
    const index = order.indexOf(service);
    return index === -1 ? order.length : index;
  };
  return [...services].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The sum over a service's containers in one sample; null when none of them has the value (stopped, or a first sample).
 */
function serviceValue(
  sample: LiveSample,
  service: string,
  value: (container: LiveContainerSample) => number | null,
): number | null {
  let sum: number | null = null;
  for (const container of sample.containers) {
    if (container.service !== service) continue;
    const v = value(container);
    if (v !== null) sum = (sum ?? 0) + v;
  }
  return sum;
}

function servicePoints(
  samples: readonly LiveSample[],
  service: string,
  value: (container: LiveContainerSample) => number | null,
): MetricPoint[] {
  return samples.map((sample) => [sample.atMs, serviceValue(sample, service, value)]);
}

function hostPoints(samples: readonly LiveSample[], value: (sample: LiveSample) => number | null): MetricPoint[] {
  return samples.map((sample) => [sample.atMs, value(sample)]);
}

function networkOf(container: LiveContainerSample): number | null {
  const { rxBytesPerSecond: rx, txBytesPerSecond: tx } = container;
  return rx === null && tx === null ? null : (rx ?? 0) + (tx ?? 0);
}

function usedPercent(sample: LiveSample): number | null {
  return sample.host.memTotalBytes > 0 ? (100 * sample.host.memUsedBytes) / sample.host.memTotalBytes : null;
}

export function liveMetricsView(samples: readonly LiveSample[], options: LiveViewOptions): MetricsView {
  const { intervalMs, windowMs, reason, nowMs, serviceOrder = [] } = options;
  const fromMs = nowMs - windowMs;
  const inWindow = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= nowMs);
  const services = orderedServices(inWindow, serviceOrder);
  const perService = (value: (container: LiveContainerSample) => number | null) =>
    services.map((service) => seriesOf(service, service, servicePoints(inWindow, service, value)));

  const charts: MetricChart[] = [
    chart('host-memory', text('graphs.charts.hostMemory'), 'bytes', [
      seriesOf(
        'used',
        text('graphs.series.used'),
        hostPoints(inWindow, (s) => s.host.memUsedBytes),
      ),
      seriesOf(
        'available',
        text('graphs.series.available'),
        hostPoints(inWindow, (s) => s.host.memAvailableBytes),
      ),
    ]),
    chart('host-cpu', text('graphs.charts.hostCpu'), 'percent', [
      seriesOf(
        'busy',
        text('graphs.series.busy'),
        hostPoints(inWindow, (s) => s.host.cpuBusyPercent),
      ),
    ]),
    chart('host-load', text('graphs.charts.hostLoad'), 'load', [
      seriesOf(
        'load1',
        text('graphs.series.load1'),
        hostPoints(inWindow, (s) => s.host.load1),
      ),
      seriesOf(
        'load5',
        text('graphs.series.load5'),
        hostPoints(inWindow, (s) => s.host.load5),
      ),
      seriesOf(
        'load15',
        text('graphs.series.load15'),
        hostPoints(inWindow, (s) => s.host.load15),
      ),
    ]),
    chart(
      'service-memory',
      text('graphs.charts.serviceMemory'),
      'bytes',
      perService((c) => c.memBytes),
      [MEMORY_PER_SERVICE_NOTE],
    ),
    chart(
      'service-cpu',
      text('graphs.charts.serviceCpu'),
      'cpu_percent',
      perService((c) => c.cpuPercent),
      [CPU_PER_SERVICE_NOTE],
    ),
    // Like Telegraf, which writes no network series for a container with network_mode none.
    chart(
      'service-network',
      text('graphs.charts.serviceNetwork'),
      'bytes_per_second',
      perService(networkOf).filter((series) => series.lastSeenMs !== undefined),
      [NETWORK_NOTE],
    ),
  ];

  return {
    source: { kind: 'live', reason, windowMs },
    // The axis spans what has been sampled (at least two minutes), not an empty quarter of an hour.
    range: {
      preset: 'live',
      fromMs: Math.max(fromMs, Math.min((inWindow[0]?.atMs ?? nowMs) - intervalMs, nowMs - 2 * 60_000)),
      toMs: nowMs,
      intervalMs,
    },
    charts,
    markers: [],
    notices: liveNotices(inWindow, reason, windowMs, intervalMs),
    refreshMs: intervalMs,
  };
}

export function liveHeadline(samples: readonly LiveSample[], reason: LiveReason, windowMs: number): HeadlineView {
  const newest = samples[samples.length - 1];
  const recent = newest ? samples.filter((sample) => sample.atMs >= newest.atMs - HOUR_MS) : [];
  const cpuTrend = hostPoints(recent, (s) => s.host.cpuBusyPercent);
  const cpuNewest = newestPoint(cpuTrend);
  const loadTrend = hostPoints(recent, (s) => s.host.load1);

  let biggest: HeadlineView['biggest'] = null;
  if (newest && newest.containers.length > 0) {
    const byService = new Map<string, number>();
    for (const container of newest.containers)
      byService.set(container.service, (byService.get(container.service) ?? 0) + container.memBytes);
    const [service, value] = [...byService].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    biggest = { service, value, atMs: newest.atMs, trend: servicePoints(recent, service, (c) => c.memBytes) };
  }

  return {
    source: { kind: 'live', reason, windowMs },
    ram: {
      value: newest ? usedPercent(newest) : null,
      usedBytes: newest?.host.memUsedBytes ?? null,
      totalBytes: newest?.host.memTotalBytes ?? null,
      ...(newest ? { atMs: newest.atMs } : {}),
      trend: hostPoints(recent, usedPercent),
    },
    cpu: { value: cpuNewest?.[1] ?? null, ...(cpuNewest ? { atMs: cpuNewest[0] } : {}), trend: cpuTrend },
    load: { value: newest?.host.load1 ?? null, ...(newest ? { atMs: newest.atMs } : {}), trend: loadTrend },
    biggest,
    notices: liveNotices(samples, reason, windowMs),
  };
}
