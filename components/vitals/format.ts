import { formatDuration } from '@/components/containers/format';

const COUNT = new Intl.NumberFormat('en-US');

/** Whole counts with thousands separators, the same on the server and in every browser (no hydration drift). */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** "just now", "12 min ago", "3 h 5 min ago": how old a measurement is. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const ms = nowMs - thenMs;
  if (ms < 60_000) return 'just now';
  // Whole minutes: a measurement hours old does not need its seconds.
  return `${formatDuration(Math.floor(ms / 60_000) * 60_000)} ago`;
}

/** The share of a limit, for "used of total" lines; undefined when there is no limit. */
export function shareOf(used: number, limit: number): number | undefined {
  return limit > 0 ? (100 * used) / limit : undefined;
}

/** "in 9 min", "soon": when something planned happens. */
export function formatUntil(whenMs: number, nowMs: number): string {
  const ms = whenMs - nowMs;
  if (ms < 60_000) return 'soon';
  return `in ${formatDuration(Math.ceil(ms / 60_000) * 60_000)}`;
}
