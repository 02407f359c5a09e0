import { formatDuration } from '@/components/containers/format';
import type { Format } from '@/lib/i18n/format';
import { text, type Text } from '@/lib/i18n/text';

const COUNT = new Intl.NumberFormat('en-US');

/**
 * Whole counts with English thousands separators. Legacy: the vitals panels format counts with `useFormat().number`
 * in the reader's language; kept for the pages that have not moved yet.
 */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** "just now", "12 min ago", "3 h 5 min ago" in English. Legacy: the vitals panels use `agoText`. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const ms = nowMs - thenMs;
  if (ms < 60_000) return 'just now';
  // Whole minutes: a measurement hours old does not need its seconds.
  return `${formatDuration(Math.floor(ms / 60_000) * 60_000)} ago`;
}

/** How old a measurement is, in the reader's language: "12 min ago" / "vor 12 Min.". */
export function agoText(thenMs: number, nowMs: number, format: Format): Text {
  const ms = nowMs - thenMs;
  if (ms < 60_000) return text('vitals.time.justNow');
  // Whole minutes: a measurement hours old does not need its seconds.
  return text('vitals.time.ago', { duration: format.duration(Math.floor(ms / 60_000) * 60_000) });
}

/** The share of a limit, for "used of total" lines; undefined when there is no limit. */
export function shareOf(used: number, limit: number): number | undefined {
  return limit > 0 ? (100 * used) / limit : undefined;
}

/** "in 9 min", "soon" in English. Legacy: the vitals panels use `untilText`. */
export function formatUntil(whenMs: number, nowMs: number): string {
  const ms = whenMs - nowMs;
  if (ms < 60_000) return 'soon';
  return `in ${formatDuration(Math.ceil(ms / 60_000) * 60_000)}`;
}

/** When something planned happens, in the reader's language: "in 9 min" / "in 9 Min.". */
export function untilText(whenMs: number, nowMs: number, format: Format): Text {
  const ms = whenMs - nowMs;
  if (ms < 60_000) return text('vitals.time.soon');
  return text('vitals.time.in', { duration: format.duration(Math.ceil(ms / 60_000) * 60_000) });
}
