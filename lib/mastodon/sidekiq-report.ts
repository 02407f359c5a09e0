/**
 * Sidekiq's state as it keeps it in Redis, read the way Sidekiq's own API reads it (sidekiq/sidekiq
 * lib/sidekiq/api.rb: Stats, Queue, ProcessSet): the report's shape, and the pure rules that turn raw Redis
 * values into it (queue latency, process heartbeats, the warnings). sidekiq.ts does the reading.
 */
import { z } from 'zod';

import type { MastodonVersion } from './version';
import { factsFor, since } from './version-facts';

/** Mastodon's queues in config/sidekiq.yml weight order; `fasp` only in later releases (version-facts extraQueues). */
const QUEUE_ORDER = ['default', 'push', 'ingress', 'mailers', 'pull', 'scheduler', 'fasp'];
/** What Admin::SystemCheck::SidekiqProcessCheck requires some process to work. */
const REQUIRED_QUEUES = ['default', 'push', 'mailers', 'pull', 'scheduler', 'ingress'];
/** Sidekiq's heartbeat hash expires 60 s after the last beat; an older beat means a stalled process. */
export const HEARTBEAT_TTL_SECONDS = 60;
/** Below this an epoch is seconds (year 5138 at the boundary); above it, milliseconds (1973). */
const EPOCH_MS_THRESHOLD = 1e11;

export type EnqueuedAtFormat = 'seconds' | 'milliseconds';

export interface SidekiqQueue {
  name: string;
  size: number;
  /**
   * Seconds since the oldest pending job was enqueued; null when the queue is empty or its oldest job is unreadable.
   */
  latencySeconds: number | null;
  /** How the oldest job's enqueued_at was written: float seconds (Sidekiq ≤7) or integer milliseconds (Sidekiq 8). */
  enqueuedAtFormat?: EnqueuedAtFormat;
  /** Set when the oldest job could not be read (not JSON, no enqueued_at). */
  problem?: string;
  /** One of the queues Mastodon needs a process for. */
  required: boolean;
}

export interface SidekiqProcess {
  identity: string;
  hostname: string;
  pid?: number;
  tag?: string;
  /** Sidekiq's version, written in the heartbeat from Sidekiq 7 on. */
  version?: string;
  queues: string[];
  concurrency?: number;
  busy?: number;
  /** Last heartbeat, epoch ms. */
  beatAtMs?: number;
  beatAgeSeconds?: number;
  startedAtMs?: number;
  /** Quieted (TSTP): finishes its jobs but takes no new ones. */
  quiet: boolean;
  rssKb?: number;
}

export interface SidekiqStats {
  processed: number;
  failed: number;
  /** The UTC date Sidekiq files today's counters under. */
  day: string;
  processedToday: number;
  failedToday: number;
}

export interface SidekiqSets {
  retry: number;
  scheduled: number;
  dead: number;
}

export type NamespaceDecision =
  | { mode: 'none' }
  | { mode: 'applied'; namespace: string }
  /** Releases that dropped redis-namespace refuse to boot with REDIS_NAMESPACE set (version-facts redisNamespace). */
  | { mode: 'ignored'; namespace: string }
  /** The version is unknown: the keys themselves decide (see readSidekiq). */
  | { mode: 'detect'; namespace: string };

export interface SidekiqWarning {
  code: 'missing_queues' | 'no_processes' | 'quiet_processes' | 'namespace_ignored' | 'namespace_guessed';
  tone: 'bad' | 'warn' | 'neutral';
  message: string;
}

export interface SidekiqReport {
  /** host:port/db of the Redis read (SIDEKIQ_REDIS_* or REDIS_*), without credentials. */
  redis: string;
  /** The key prefix used: '' or `<REDIS_NAMESPACE>:`. */
  prefix: string;
  namespace: NamespaceDecision;
  /** The time latencies, heartbeat ages and "today" are measured against (epoch ms). */
  readAtMs: number;
  queues: SidekiqQueue[];
  enqueued: number;
  stats: SidekiqStats;
  sets: SidekiqSets;
  processes: SidekiqProcess[];
  /** Identities in the `processes` set whose heartbeat hash has expired: those processes are gone. */
  goneProcesses: number;
  requiredQueues: string[];
  /** Required queues that no live process works. */
  missingQueues: string[];
  warnings: SidekiqWarning[];
}

/**
 * Whether Sidekiq's keys carry `<REDIS_NAMESPACE>:`. Older Mastodon wraps its Redis in redis-namespace when
 * the variable is set; later releases removed that (and refuse to start with it): version-facts redisNamespace.
 */
export function decideNamespace(
  namespace: string | undefined,
  version: MastodonVersion | undefined,
): NamespaceDecision {
  if (!namespace) return { mode: 'none' };
  if (!version) return { mode: 'detect', namespace };
  return factsFor(version).redisNamespace === 'honoured'
    ? { mode: 'applied', namespace }
    : { mode: 'ignored', namespace };
}

export function requiredQueuesFor(version: MastodonVersion | undefined): string[] {
  return [...REQUIRED_QUEUES, ...(version ? factsFor(version).extraQueues : [])];
}

/**
 * An epoch as Sidekiq writes it (float seconds up to 7, integer ms in 8) in ms; Sidekiq 8's own latency accepts both.
 */
export function epochToMs(value: number): { ms: number; format: EnqueuedAtFormat } {
  return value > EPOCH_MS_THRESHOLD ? { ms: value, format: 'milliseconds' } : { ms: value * 1000, format: 'seconds' };
}

const jobSchema = z.object({ enqueued_at: z.number().finite().optional() }).loose();

/** Latency of a queue from its oldest job (LINDEX queue -1), as Sidekiq::Queue#latency computes it. */
export function queueLatency(
  oldestJob: string | null,
  nowMs: number,
): Pick<SidekiqQueue, 'latencySeconds' | 'enqueuedAtFormat' | 'problem'> {
  if (oldestJob === null) return { latencySeconds: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(oldestJob);
  } catch {
    return { latencySeconds: null, problem: 'the oldest job is not JSON' };
  }
  const job = jobSchema.safeParse(parsed);
  if (!job.success) return { latencySeconds: null, problem: 'the oldest job is not a Sidekiq job' };
  if (job.data.enqueued_at === undefined) return { latencySeconds: null, problem: 'the oldest job has no enqueued_at' };
  const { ms, format } = epochToMs(job.data.enqueued_at);
  return { latencySeconds: Math.max(0, (nowMs - ms) / 1000), enqueuedAtFormat: format };
}

/** Mastodon's queues first in their weight order, then any others by name. */
export function orderQueues(names: Iterable<string>): string[] {
  const rank = (name: string) => {
    const index = QUEUE_ORDER.indexOf(name);
    return index === -1 ? QUEUE_ORDER.length : index;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const processInfoSchema = z
  .object({
    hostname: z.string().optional(),
    pid: z.number().int().optional(),
    tag: z.string().optional(),
    version: z.string().optional(),
    concurrency: z.number().int().optional(),
    queues: z.array(z.string()).optional(),
    started_at: z.number().optional(),
  })
  .loose();

function numberField(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * One process from its heartbeat hash (HGETALL <identity>); undefined when the hash is gone (Sidekiq lets it
 * expire 60 s after the last beat, so the process is dead even though `processes` still names it).
 */
export function parseProcess(
  identity: string,
  hash: Record<string, string>,
  nowMs: number,
): SidekiqProcess | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  let info: z.infer<typeof processInfoSchema> = {};
  try {
    const parsed = processInfoSchema.safeParse(JSON.parse(hash.info ?? '{}'));
    if (parsed.success) info = parsed.data;
  } catch {
    // A heartbeat without readable info still proves the process is alive.
  }
  const beat = numberField(hash.beat);
  const beatAtMs = beat === undefined ? undefined : epochToMs(beat).ms;
  const [hostFromIdentity = identity] = identity.split(':');
  return {
    identity,
    hostname: info.hostname ?? hostFromIdentity,
    pid: info.pid,
    tag: info.tag || undefined,
    version: info.version,
    queues: orderQueues(info.queues ?? []),
    concurrency: info.concurrency,
    busy: numberField(hash.busy),
    beatAtMs,
    beatAgeSeconds: beatAtMs === undefined ? undefined : Math.max(0, (nowMs - beatAtMs) / 1000),
    startedAtMs: info.started_at === undefined ? undefined : epochToMs(info.started_at).ms,
    quiet: hash.quiet === 'true',
    rssKb: numberField(hash.rss),
  };
}

/** Required queues no process works: Admin::SystemCheck::SidekiqProcessCheck's test. */
export function missingQueues(required: readonly string[], processes: readonly SidekiqProcess[]): string[] {
  const worked = new Set(processes.flatMap((process) => process.queues));
  return required.filter((queue) => !worked.has(queue));
}

export function sidekiqWarnings(input: {
  namespace: NamespaceDecision;
  prefix: string;
  processes: readonly SidekiqProcess[];
  goneProcesses: number;
  missing: readonly string[];
}): SidekiqWarning[] {
  const warnings: SidekiqWarning[] = [];
  const { namespace, processes, missing } = input;
  if (namespace.mode === 'ignored') {
    warnings.push({
      code: 'namespace_ignored',
      tone: 'warn',
      message:
        `REDIS_NAMESPACE=${namespace.namespace} is set, but Mastodon ${since('redisNamespace', 'refused')} ` +
        `and later no longer support it and refuses to start while it is set, ` +
        'so its keys are read without a prefix. Remove REDIS_NAMESPACE from .env.production.',
    });
  }
  if (namespace.mode === 'detect') {
    warnings.push({
      code: 'namespace_guessed',
      tone: 'neutral',
      message:
        `The Mastodon version is unknown, so whether REDIS_NAMESPACE=${namespace.namespace} applies (before ` +
        `${since('redisNamespace', 'refused')}) was judged from the keys: ` +
        (input.prefix
          ? `Sidekiq's keys are under ${input.prefix}.`
          : 'no keys under the namespace, so they are read without a prefix.'),
    });
  }
  if (processes.length === 0) {
    warnings.push({
      code: 'no_processes',
      tone: 'bad',
      message:
        `No Sidekiq process has sent a heartbeat in the last ${HEARTBEAT_TTL_SECONDS} s` +
        (input.goneProcesses > 0
          ? ` (${input.goneProcesses} registered process${input.goneProcesses === 1 ? '' : 'es'} stopped beating)`
          : '') +
        ': no background jobs run, so posts are not delivered and e-mails are not sent. Check the sidekiq ' +
        'container and its logs.',
    });
  } else if (missing.length > 0) {
    warnings.push({
      code: 'missing_queues',
      tone: 'warn',
      message:
        `No Sidekiq process works the ${missing.join(', ')} queue${missing.length === 1 ? '' : 's'}, so jobs ` +
        `there are never run ` +
        "(Mastodon's own system check says the same). Review the -q options of the sidekiq command(s) in " +
        'docker-compose.yml.',
    });
  }
  const quiet = processes.filter((process) => process.quiet);
  if (quiet.length > 0) {
    warnings.push({
      code: 'quiet_processes',
      tone: 'warn',
      message:
        `${quiet.map((process) => process.hostname).join(', ')}: quieted (TSTP), finishing current jobs but ` +
        `taking no new ones; restart it to resume.`,
    });
  }
  return warnings;
}

/** YYYY-MM-DD in UTC, as Sidekiq names its daily counters (Time.now.utc.strftime("%Y-%m-%d")). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
