/**
 * The metrics DTOs the graphs page and the headline receive, whichever source produced them (InfluxDB
 * through InfluxQL or Flux, or the live Docker-stats sampler). Types only: shared by server and browser.
 */
import type { ErrorView } from '../errors';
import type { Text } from '../i18n/text';

/** [time in ms, value]; null marks a bucket without data, which the charts draw as a gap. */
export type MetricPoint = [number, number | null];

export type MetricUnit = 'percent' | 'bytes' | 'load' | 'cpu_percent' | 'bytes_per_second';

export type ChartId = 'host-memory' | 'host-cpu' | 'host-load' | 'service-memory' | 'service-cpu' | 'service-network';

export interface MetricSeries {
  /** Stable within a chart: a field name for host charts, the compose service for per-service charts. */
  key: string;
  /** A Text for host series (`Used`), the compose service's own name for per-service series. */
  label: Text | string;
  points: MetricPoint[];
  /** Time of the newest non-null point, when the series has one. */
  lastSeenMs?: number;
}

export interface MetricChart {
  id: ChartId;
  title: Text;
  unit: MetricUnit;
  series: MetricSeries[];
  /** Said under the chart: why a series is missing or ends early, what 100 % means, … */
  notes: Text[];
}

export interface RestartMarker {
  atMs: number;
  service: string;
  /** Where we know it from. */
  source: 'audit' | 'docker';
  label: Text;
}

export type MetricsSourceView =
  | { kind: 'influx'; version: string; language: 'influxql' | 'flux'; database: string }
  | { kind: 'live'; reason: 'not_configured' | 'influx_failed'; windowMs: number };

export interface MetricsRangeView {
  /** The preset name, or 'custom'. */
  preset: string;
  fromMs: number;
  toMs: number;
  intervalMs: number;
}

export interface MetricsNotice {
  level: 'info' | 'warning';
  text: Text;
}

export interface MetricsView {
  source: MetricsSourceView;
  range: MetricsRangeView;
  charts: MetricChart[];
  markers: RestartMarker[];
  notices: MetricsNotice[];
  /** How often the browser should ask again (Telegraf's interval, or the sampler's). */
  refreshMs: number;
  /** Why InfluxDB is not the source although it is configured (the live numbers stand in). */
  influxError?: ErrorView;
}

/** A trend: the last hour of one value, for the headline's small line. */
export interface HeadlineFigure {
  value: number | null;
  /** When value was measured; older than a few intervals means the data stopped. */
  atMs?: number;
  trend: MetricPoint[];
}

export interface HeadlineView {
  source: MetricsSourceView;
  ram: HeadlineFigure & { usedBytes: number | null; totalBytes: number | null };
  cpu: HeadlineFigure;
  load: HeadlineFigure;
  biggest: (HeadlineFigure & { service: string }) | null;
  /**
   * Bytes swapped in per second, averaged over the last few minutes (Telegraf's swap input); absent when nothing
   * reports it (no swap input, or the live sampler).
   */
  swapIn?: HeadlineFigure;
  notices: MetricsNotice[];
  influxError?: ErrorView;
  /** How often the browser should ask again; Telegraf's interval when absent. */
  refreshMs?: number;
}
