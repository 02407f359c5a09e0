import { formatDuration } from '@/components/containers/format';

export { isSlow, SLOW_LATENCY_SECONDS } from '@/lib/mastodon/sidekiq-latency';

/**
 * "—" for an empty queue, "0.4 s" / "4.2 s" below ten seconds, then the two largest units ("1 min 35 s", "3 h 2 min").
 */
export function formatLatency(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  return formatDuration(seconds * 1000);
}

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return 'unknown';
  return seconds < 1 ? 'just now' : `${formatDuration(seconds * 1000)} ago`;
}
