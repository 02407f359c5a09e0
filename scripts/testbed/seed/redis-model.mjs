// What scripts/testbed/seed/redis.mjs writes into the test bed's Redis: Sidekiq's keys (sidekiq/sidekiq v6.5.12
// lib/sidekiq/api.rb) and the Rails settings cache keys (mastodon/mastodon v4.3.0 app/models/setting.rb), in three
// layouts. Pure and
// deterministic given the anchor, so tests can assert exact key names, sizes and latencies.
import { createHash } from 'node:crypto';

/** The seeding time (epoch ms, integer) is stored here in every database the seeder writes to. */
export const ANCHOR_KEY = 'mastodash:testbed:anchor_ms';

/**
 * plain:      Mastodon 4.4 (Sidekiq 7), no namespace, db 0; enqueued_at in float epoch seconds.
 * namespaced: Mastodon 4.3 (Sidekiq 6.5) with REDIS_NAMESPACE=mastodon_ns, db 0; every Sidekiq key prefixed
 *             `mastodon_ns:`, the Rails cache `mastodon_ns_cache:`.
 * sidekiq8:   Mastodon 4.5 (Sidekiq 8), no namespace, db 2; enqueued_at in integer epoch milliseconds.
 */
export const LAYOUTS = {
  plain: { name: 'plain', db: 0, prefix: '', cachePrefix: 'cache:', timeFormat: 'seconds', sidekiqVersion: '7.3.9' },
  namespaced: {
    name: 'namespaced',
    db: 0,
    prefix: 'mastodon_ns:',
    cachePrefix: 'mastodon_ns_cache:',
    timeFormat: 'seconds',
    sidekiqVersion: '6.5.12',
  },
  sidekiq8: {
    name: 'sidekiq8',
    db: 2,
    prefix: '',
    cachePrefix: 'cache:',
    timeFormat: 'milliseconds',
    sidekiqVersion: '8.0.8',
  },
};
export const NAMESPACE = 'mastodon_ns';

export const QUEUES = ['default', 'push', 'ingress', 'mailers', 'pull', 'scheduler'];
/** Mastodon's config/sidekiq.yml weights. */
export const QUEUE_WEIGHTS = { default: 8, push: 6, ingress: 4, mailers: 2, pull: 1, scheduler: 1 };

/**
 * Pending jobs per queue, as ages in seconds before the anchor, oldest first. The oldest job sets the latency.
 * Empty queues have no list key at all (Redis deletes empty lists) but stay in the `queues` set.
 */
export const QUEUE_JOB_AGES_S = {
  default: [42, 30, 12, 5, 1],
  push: [7, 2, 1],
  ingress: [95, 80, 64, 50, 41, 33, 20, 14, 9, 5, 2, 1],
  mailers: [3],
  pull: [],
  scheduler: [],
};
const QUEUE_JOB_CLASSES = {
  default: 'DistributionWorker',
  push: 'ActivityPub::DeliveryWorker',
  ingress: 'ActivityPub::ProcessingWorker',
  mailers: 'ActionMailer::MailDeliveryJob',
  pull: 'ActivityPub::FetchRepliesWorker',
  scheduler: 'Scheduler::AccountsStatusesCleanupScheduler',
};

export const STATS = {
  processed: 1_234_567,
  failed: 321,
  processedToday: 4321,
  failedToday: 12,
  processedYesterday: 9876,
  failedYesterday: 34,
};

/** Seconds relative to the anchor: retry and schedule lie ahead, dead behind. */
export const RETRY_AT_S = [60, 300, 1800];
export const SCHEDULE_AT_S = [120, 3600];
export const DEAD_AT_S = [-86_400];

export const PROCESS = {
  hostname: '5c1f0e2a9b7d',
  pid: 7,
  nonce: '0a1b2c3d4e5f',
  tag: 'mastodon',
  concurrency: 25,
  busy: 2,
  rssKb: 512_000,
  rttUs: 180,
  startedAgoS: 3600,
};
export const HEARTBEAT_TTL_S = 60;
export const PROCESS_IDENTITY = `${PROCESS.hostname}:${PROCESS.pid}:${PROCESS.nonce}`;

/** MD5 of the stock settings.yml defaults for this stand-in; real ones differ per version, so find keys with SCAN. */
export const SETTINGS_CACHE_DIGEST = '3f6d7a1c9e4b2085d1c7e6a9f0b3d842';
/** Cached settings (name → the value they cache); site_title is there so that a too-wide delete is noticed. */
export const CACHED_SETTINGS = {
  registrations_mode: 'approved',
  require_invite_text: 'true',
  site_title: 'Mastodash test bed',
};

export function keysOf(layout) {
  const p = layout.prefix;
  return {
    queues: `${p}queues`,
    queue: (name) => `${p}queue:${name}`,
    processed: `${p}stat:processed`,
    failed: `${p}stat:failed`,
    processedOn: (day) => `${p}stat:processed:${day}`,
    failedOn: (day) => `${p}stat:failed:${day}`,
    retry: `${p}retry`,
    schedule: `${p}schedule`,
    dead: `${p}dead`,
    processes: `${p}processes`,
    process: `${p}${PROCESS_IDENTITY}`,
    processWork: `${p}${PROCESS_IDENTITY}:work`,
    setting: (name) => `${layout.cachePrefix}rails_settings_cached/${SETTINGS_CACHE_DIGEST}/${name}`,
  };
}

/** Patterns covering every key the seeder writes in a layout (used to delete them before reseeding). */
export function ownedPatterns(layout) {
  const p = layout.prefix;
  return [`${p}queue:*`, `${p}stat:*`, `${p}${PROCESS.hostname}:*`, `${layout.cachePrefix}rails_settings_cached/*`];
}

export function ownedKeys(layout) {
  const k = keysOf(layout);
  return [k.queues, k.retry, k.schedule, k.dead, k.processes, ANCHOR_KEY];
}

export function utcDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** An epoch time as Sidekiq of this layout writes it in job payloads. */
export function sidekiqTime(layout, ms) {
  return layout.timeFormat === 'milliseconds' ? Math.round(ms) : ms / 1000;
}

function jid(queue, index) {
  // Sidekiq jids are 24 hex digits.
  return createHash('md5').update(`${queue}:${index}`).digest('hex').slice(0, 24);
}

function job(layout, queue, index, enqueuedMs, extra = {}) {
  const payload = {
    retry: true,
    queue,
    class: QUEUE_JOB_CLASSES[queue],
    args: [100_000 + index],
    jid: jid(queue, index),
    created_at: sidekiqTime(layout, enqueuedMs),
    enqueued_at: sidekiqTime(layout, enqueuedMs),
    ...extra,
  };
  return payload;
}

/**
 * The pending jobs of a queue, oldest first (the seeder LPUSHes them in this order, so the oldest ends at index -1).
 */
export function queueJobs(layout, queue, anchorMs) {
  return QUEUE_JOB_AGES_S[queue].map((age, i) => job(layout, queue, i, anchorMs - age * 1000));
}

export function oldestEnqueuedMs(queue, anchorMs) {
  const ages = QUEUE_JOB_AGES_S[queue];
  return ages.length === 0 ? undefined : anchorMs - Math.max(...ages) * 1000;
}

export function retryEntries(layout, anchorMs) {
  return RETRY_AT_S.map((at, i) => ({
    score: (anchorMs + at * 1000) / 1000,
    job: job(layout, 'push', 900 + i, anchorMs - 600_000, {
      retry_count: i,
      error_class: 'HTTP::ConnectionError',
      error_message: 'failed to connect: Connection refused - connect(2) for 203.0.113.7:443',
      failed_at: sidekiqTime(layout, anchorMs - 600_000),
      retried_at: i > 0 ? sidekiqTime(layout, anchorMs - 300_000) : undefined,
    }),
  }));
}

export function scheduleEntries(layout, anchorMs) {
  return SCHEDULE_AT_S.map((at, i) => ({
    score: (anchorMs + at * 1000) / 1000,
    job: job(layout, 'default', 800 + i, anchorMs),
  }));
}

export function deadEntries(layout, anchorMs) {
  return DEAD_AT_S.map((at, i) => ({
    score: (anchorMs + at * 1000) / 1000,
    job: job(layout, 'push', 700 + i, anchorMs + at * 1000 - 86_400_000, {
      retry_count: 16,
      error_class: 'Mastodon::UnexpectedResponseError',
      error_message: 'https://gone.example/inbox returned code 410',
      failed_at: sidekiqTime(layout, anchorMs + at * 1000),
    }),
  }));
}

/** The `info` JSON of the process hash, in the shape this layout's Sidekiq version writes. */
export function processInfo(layout, anchorMs) {
  const base = {
    hostname: PROCESS.hostname,
    started_at: (anchorMs - PROCESS.startedAgoS * 1000) / 1000,
    pid: PROCESS.pid,
    tag: PROCESS.tag,
    concurrency: PROCESS.concurrency,
    queues: [...QUEUES],
  };
  if (layout.sidekiqVersion.startsWith('6.')) return { ...base, labels: [], identity: PROCESS_IDENTITY };
  return {
    ...base,
    weights: [{ ...QUEUE_WEIGHTS }],
    labels: [],
    identity: PROCESS_IDENTITY,
    version: layout.sidekiqVersion,
    embedded: false,
  };
}

/** Opaque stand-in for a Rails-serialized cache entry; the dashboard must never parse or write these. */
export function cachedSettingValue(name) {
  const yaml = `--- ${CACHED_SETTINGS[name]}\n`;
  return Buffer.concat([
    Buffer.from([0x04, 0x08]),
    Buffer.from(`o:%ActiveSupport::Cache::Entry\x06:\v@value"${yaml}`, 'latin1'),
  ]);
}
