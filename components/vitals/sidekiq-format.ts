import { formatFor, type Format } from '@/lib/i18n/format';
import { text, type Text } from '@/lib/i18n/text';

export { isSlow, SLOW_LATENCY_SECONDS } from '@/lib/mastodon/sidekiq-latency';

/**
 * "—" for an empty queue, "0.4 s" / "4.2 s" below ten seconds, then the two largest units ("1 min 35 s", "3 h 2 min"),
 * in the given language (English unless told).
 */
export function formatLatency(seconds: number | null, format: Format = formatFor('en')): string {
  if (seconds === null) return '—';
  if (seconds < 10) return `${format.fixed(seconds, 1)} s`;
  return format.duration(seconds * 1000);
}

/** A heartbeat's age: "just now", "12 s ago", "unknown" / "gerade eben", "vor 12 s", "unbekannt". */
export function ageText(seconds: number | undefined, format: Format): Text {
  if (seconds === undefined) return text('vitals.time.unknown');
  return seconds < 1
    ? text('vitals.time.justNow')
    : text('vitals.time.ago', { duration: format.duration(seconds * 1000) });
}
