import { text, type Text } from '../i18n/text';
import type { ContainerSelector, RawSeries, SeriesQuery } from './query-spec';
import { serviceOf } from './query-spec';
import type { ChartId, MetricChart, MetricPoint, MetricSeries, MetricUnit } from './types';

/**
 * The graphs page's charts as query specs, and the assembly of answers into charts. Both InfluxDB
 * paths (InfluxQL and Flux) share this; only the text of the queries differs.
 */

/** Host queries: Telegraf's mem, cpu (cpu-total) and system plugins. */
export function hostQueries(): SeriesQuery[] {
  return [
    { id: 'mem_used', measurement: 'mem', field: 'used', transform: 'mean', where: [] },
    { id: 'mem_available', measurement: 'mem', field: 'available', transform: 'mean', where: [] },
    {
      id: 'cpu_busy',
      measurement: 'cpu',
      field: 'usage_idle',
      transform: 'busy',
      where: [{ tag: 'cpu', equals: 'cpu-total' }],
    },
    { id: 'load1', measurement: 'system', field: 'load1', transform: 'mean', where: [] },
    { id: 'load5', measurement: 'system', field: 'load5', transform: 'mean', where: [] },
    { id: 'load15', measurement: 'system', field: 'load15', transform: 'mean', where: [] },
  ];
}

/** Per-container queries of the project's containers: memory (page cache excluded), CPU, network. */
export function containerQueries(containers: ContainerSelector, withNetwork: boolean): SeriesQuery[] {
  const queries: SeriesQuery[] = [
    { id: 'svc_mem', measurement: 'docker_container_mem', field: 'usage', transform: 'mean', where: [], containers },
    {
      id: 'svc_cpu',
      measurement: 'docker_container_cpu',
      field: 'usage_percent',
      transform: 'mean',
      where: [{ tag: 'cpu', equals: 'cpu-total' }],
      containers,
    },
  ];
  if (withNetwork) {
    for (const [id, field] of [
      ['svc_rx', 'rx_bytes'],
      ['svc_tx', 'tx_bytes'],
    ] as const) {
      queries.push({
        id,
        measurement: 'docker_container_net',
        field,
        transform: 'rate',
        where: [{ tag: 'network', equals: 'total' }],
        containers,
      });
    }
  }
  return queries;
}

/** The newest values for the headline: host RAM, CPU, load and each container's memory. */
export function headlineLastQueries(containers: ContainerSelector): SeriesQuery[] {
  return [
    { id: 'last_mem_used_percent', measurement: 'mem', field: 'used_percent', transform: 'last', where: [] },
    { id: 'last_mem_used', measurement: 'mem', field: 'used', transform: 'last', where: [] },
    { id: 'last_mem_total', measurement: 'mem', field: 'total', transform: 'last', where: [] },
    {
      id: 'last_cpu_busy',
      measurement: 'cpu',
      field: 'usage_idle',
      transform: 'last',
      where: [{ tag: 'cpu', equals: 'cpu-total' }],
    },
    { id: 'last_load1', measurement: 'system', field: 'load1', transform: 'last', where: [] },
    {
      id: 'last_svc_mem',
      measurement: 'docker_container_mem',
      field: 'usage',
      transform: 'last',
      where: [],
      containers,
    },
  ];
}

/** The headline's trends: the same values in buckets over the last hour. */
export function headlineTrendQueries(containers: ContainerSelector): SeriesQuery[] {
  return [
    { id: 'mem_used_percent', measurement: 'mem', field: 'used_percent', transform: 'mean', where: [] },
    {
      id: 'cpu_busy',
      measurement: 'cpu',
      field: 'usage_idle',
      transform: 'busy',
      where: [{ tag: 'cpu', equals: 'cpu-total' }],
    },
    { id: 'load1', measurement: 'system', field: 'load1', transform: 'mean', where: [] },
    { id: 'svc_mem', measurement: 'docker_container_mem', field: 'usage', transform: 'mean', where: [], containers },
    // Telegraf's swap input (on in its default config): `in` counts bytes swapped in since boot.
    { id: 'swap_in_rate', measurement: 'swap', field: 'in', transform: 'rate', where: [] },
  ];
}

export function newestPoint(points: readonly MetricPoint[]): [number, number] | undefined {
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const [t, v] = points[i]!;
    if (v !== null) return [t, v];
  }
  return undefined;
}

function seriesOf(key: string, label: Text | string, points: MetricPoint[]): MetricSeries {
  const newest = newestPoint(points);
  return { key, label, points, ...(newest ? { lastSeenMs: newest[0] } : {}) };
}

/** Bucket-wise sum; a bucket is null only when every input is null there. */
export function sumByTime(seriesList: ReadonlyArray<readonly MetricPoint[]>): MetricPoint[] {
  const sums = new Map<number, number | null>();
  for (const points of seriesList) {
    for (const [t, v] of points) {
      const current = sums.get(t);
      sums.set(t, v === null ? (current ?? null) : (current ?? 0) + v);
    }
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]);
}

/** Sums a per-container answer into one series per compose service, in the given service order. */
export function perService(
  raw: readonly RawSeries[],
  queryId: string,
  project: string,
  order: readonly string[],
): Map<string, MetricPoint[]> {
  const byService = new Map<string, MetricPoint[][]>();
  for (const series of raw) {
    if (series.queryId !== queryId) continue;
    const service = serviceOf(series.tags, project);
    byService.set(service, [...(byService.get(service) ?? []), series.points]);
  }
  const rank = (service: string) => {
    const index = order.indexOf(service);
    return index === -1 ? order.length : index;
  };
  const services = [...byService.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return new Map(services.map((service) => [service, sumByTime(byService.get(service)!)]));
}

export function pointsOf(raw: readonly RawSeries[], queryId: string): MetricPoint[] {
  return raw.find((series) => series.queryId === queryId)?.points ?? [];
}

/** A chart as both sources (InfluxDB and the live sampler) hand it to the page. */
export function chart(
  id: ChartId,
  title: Text,
  unit: MetricUnit,
  series: MetricSeries[],
  notes: Text[] = [],
): MetricChart {
  return { id, title, unit, series, notes };
}

export const MEMORY_PER_SERVICE_NOTE = text('graphs.notes.memoryPerService');
export const CPU_PER_SERVICE_NOTE = text('graphs.notes.cpuPerService');

/** The host charts from an answer to hostQueries(). */
export function hostCharts(raw: readonly RawSeries[]): MetricChart[] {
  return [
    chart('host-memory', text('graphs.charts.hostMemory'), 'bytes', [
      seriesOf('used', text('graphs.series.used'), pointsOf(raw, 'mem_used')),
      seriesOf('available', text('graphs.series.available'), pointsOf(raw, 'mem_available')),
    ]),
    chart('host-cpu', text('graphs.charts.hostCpu'), 'percent', [
      seriesOf('busy', text('graphs.series.busy'), pointsOf(raw, 'cpu_busy')),
    ]),
    chart('host-load', text('graphs.charts.hostLoad'), 'load', [
      seriesOf('load1', text('graphs.series.load1'), pointsOf(raw, 'load1')),
      seriesOf('load5', text('graphs.series.load5'), pointsOf(raw, 'load5')),
      seriesOf('load15', text('graphs.series.load15'), pointsOf(raw, 'load15')),
    ]),
  ];
}

/** The per-service charts from an answer to containerQueries(). */
export function serviceCharts(
  raw: readonly RawSeries[],
  project: string,
  order: readonly string[],
  withNetwork: boolean,
): MetricChart[] {
  const memory = perService(raw, 'svc_mem', project, order);
  const cpu = perService(raw, 'svc_cpu', project, order);
  const charts = [
    chart(
      'service-memory',
      text('graphs.charts.serviceMemory'),
      'bytes',
      [...memory].map(([service, points]) => seriesOf(service, service, points)),
      [MEMORY_PER_SERVICE_NOTE],
    ),
    chart(
      'service-cpu',
      text('graphs.charts.serviceCpu'),
      'cpu_percent',
      [...cpu].map(([service, points]) => seriesOf(service, service, points)),
      [CPU_PER_SERVICE_NOTE],
    ),
  ];
  if (withNetwork) {
    const rx = perService(raw, 'svc_rx', project, order);
    const tx = perService(raw, 'svc_tx', project, order);
    const services = [...new Set([...rx.keys(), ...tx.keys()])];
    charts.push(
      chart(
        'service-network',
        text('graphs.charts.serviceNetwork'),
        'bytes_per_second',
        services.map((service) =>
          seriesOf(service, service, sumByTime([rx.get(service) ?? [], tx.get(service) ?? []])),
        ),
        [text('graphs.notes.network')],
      ),
    );
  }
  return charts;
}
