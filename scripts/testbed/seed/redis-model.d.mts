export type Queue = 'default' | 'push' | 'ingress' | 'mailers' | 'pull' | 'scheduler';
export type CachedSetting = 'registrations_mode' | 'require_invite_text' | 'site_title';

export interface Layout {
  readonly name: 'plain' | 'namespaced' | 'sidekiq8';
  readonly db: number;
  /** Prefix of every Sidekiq key ('' or 'mastodon_ns:'). */
  readonly prefix: string;
  /** Prefix of Rails cache keys ('cache:' or 'mastodon_ns_cache:'). */
  readonly cachePrefix: string;
  /** How enqueued_at, created_at and failed_at are written: float epoch seconds, or integer epoch ms (Sidekiq 8). */
  readonly timeFormat: 'seconds' | 'milliseconds';
  readonly sidekiqVersion: string;
}

export interface SidekiqJob {
  readonly retry: boolean;
  readonly queue: Queue;
  readonly class: string;
  readonly args: readonly number[];
  readonly jid: string;
  readonly created_at: number;
  readonly enqueued_at: number;
  readonly retry_count?: number;
  readonly error_class?: string;
  readonly error_message?: string;
  readonly failed_at?: number;
  readonly retried_at?: number;
}

export interface SortedSetEntry {
  /** Epoch seconds (float), in every layout. */
  readonly score: number;
  readonly job: SidekiqJob;
}

export interface ProcessInfo {
  readonly hostname: string;
  readonly started_at: number;
  readonly pid: number;
  readonly tag: string;
  readonly concurrency: number;
  readonly queues: readonly Queue[];
  readonly labels: readonly string[];
  readonly identity: string;
  /** Sidekiq 7+ only. */
  readonly weights?: readonly Readonly<Record<Queue, number>>[];
  readonly version?: string;
  readonly embedded?: boolean;
}

export interface LayoutKeys {
  readonly queues: string;
  queue(name: Queue): string;
  readonly processed: string;
  readonly failed: string;
  processedOn(day: string): string;
  failedOn(day: string): string;
  readonly retry: string;
  readonly schedule: string;
  readonly dead: string;
  readonly processes: string;
  readonly process: string;
  readonly processWork: string;
  setting(name: CachedSetting): string;
}

export declare const ANCHOR_KEY: 'mastodash:testbed:anchor_ms';
export declare const LAYOUTS: Readonly<Record<Layout['name'], Layout>>;
export declare const NAMESPACE: 'mastodon_ns';
export declare const QUEUES: readonly Queue[];
export declare const QUEUE_WEIGHTS: Readonly<Record<Queue, number>>;
/** Ages in seconds before the anchor, oldest first. */
export declare const QUEUE_JOB_AGES_S: Readonly<Record<Queue, readonly number[]>>;
export declare const STATS: Readonly<{
  processed: number;
  failed: number;
  processedToday: number;
  failedToday: number;
  processedYesterday: number;
  failedYesterday: number;
}>;
export declare const RETRY_AT_S: readonly number[];
export declare const SCHEDULE_AT_S: readonly number[];
export declare const DEAD_AT_S: readonly number[];
export declare const PROCESS: Readonly<{
  hostname: string;
  pid: number;
  nonce: string;
  tag: string;
  concurrency: number;
  busy: number;
  rssKb: number;
  rttUs: number;
  startedAgoS: number;
}>;
export declare const HEARTBEAT_TTL_S: number;
export declare const PROCESS_IDENTITY: string;
export declare const SETTINGS_CACHE_DIGEST: string;
export declare const CACHED_SETTINGS: Readonly<Record<CachedSetting, string>>;

export declare function keysOf(layout: Layout): LayoutKeys;
export declare function ownedPatterns(layout: Layout): string[];
export declare function ownedKeys(layout: Layout): string[];
/** YYYY-MM-DD in UTC. */
export declare function utcDay(ms: number): string;
export declare function sidekiqTime(layout: Layout, ms: number): number;
export declare function queueJobs(layout: Layout, queue: Queue, anchorMs: number): SidekiqJob[];
export declare function oldestEnqueuedMs(queue: Queue, anchorMs: number): number | undefined;
export declare function retryEntries(layout: Layout, anchorMs: number): SortedSetEntry[];
export declare function scheduleEntries(layout: Layout, anchorMs: number): SortedSetEntry[];
export declare function deadEntries(layout: Layout, anchorMs: number): SortedSetEntry[];
export declare function processInfo(layout: Layout, anchorMs: number): ProcessInfo;
export declare function cachedSettingValue(name: CachedSetting): Buffer;
