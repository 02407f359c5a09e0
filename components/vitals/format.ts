import type { Format } from '@/lib/i18n/format';
import { text, type Text } from '@/lib/i18n/text';

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

/** When something planned happens, in the reader's language: "in 9 min" / "in 9 Min.". */
export function untilText(whenMs: number, nowMs: number, format: Format): Text {
  const ms = whenMs - nowMs;
  if (ms < 60_000) return text('vitals.time.soon');
  return text('vitals.time.in', { duration: format.duration(Math.ceil(ms / 60_000) * 60_000) });
}
