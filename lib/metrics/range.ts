import { PRESET_SPAN_MS, type MetricsRangeInput } from '../validations/metrics';
import type { MetricsRangeView } from './types';

/** No series sends more than about this many points to the browser. */
export const MAX_POINTS_PER_SERIES = 600;

/** Telegraf's default interval is 10 s; finer buckets would only add empty ones. */
export const MIN_INTERVAL_MS = 10_000;

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
/** Bucket sizes a person reads easily on a time axis. */
const NICE_INTERVALS_MS = [
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  24 * H,
];

/**
 * The GROUP BY interval for a span: the smallest readable bucket that keeps every series within the
 * point bound. Buckets are aligned to the epoch, so a span covers at most span/interval + 1 of them.
 */
export function intervalFor(spanMs: number): number {
  const smallest = Math.max(MIN_INTERVAL_MS, spanMs / (MAX_POINTS_PER_SERIES - 1));
  return NICE_INTERVALS_MS.find((interval) => interval >= smallest) ?? Math.ceil(smallest / (24 * H)) * 24 * H;
}

/** The concrete window for a validated range input, ending now for presets. */
export function resolveRange(input: MetricsRangeInput, nowMs: number = Date.now()): MetricsRangeView {
  const [fromMs, toMs] =
    input.range === 'custom' ? [input.from, input.to] : [nowMs - PRESET_SPAN_MS[input.range], nowMs];
  return { preset: input.range, fromMs, toMs, intervalMs: intervalFor(toMs - fromMs) };
}

/** The bucket starts GROUP BY time() produces for a window: floor(from/interval)·interval up to to. */
export function bucketStarts(range: Pick<MetricsRangeView, 'fromMs' | 'toMs' | 'intervalMs'>): number[] {
  const out: number[] = [];
  for (let t = Math.floor(range.fromMs / range.intervalMs) * range.intervalMs; t < range.toMs; t += range.intervalMs)
    out.push(t);
  return out;
}
