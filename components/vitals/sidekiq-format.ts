import { formatDuration } from '@/components/containers/format';

/** A queue's latency over which the panel flags it: Mastodon's jobs normally start within seconds. */
export const SLOW_LATENCY_SECONDS = 60;

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

export function isSlow(seconds: number | null): boolean {
  return seconds !== null && seconds > SLOW_LATENCY_SECONDS;
}
