/**
 * When a queue is slow: the one rule the Sidekiq panel and the "Needs attention" list both use. No imports, so
 * the browser's bundle can take it.
 */

/** A queue's latency over which it is flagged: Mastodon's jobs normally start within seconds. */
export const SLOW_LATENCY_SECONDS = 60;

export function isSlow(seconds: number | null): boolean {
  return seconds !== null && seconds > SLOW_LATENCY_SECONDS;
}
