import 'server-only';

import type { Redis } from 'ioredis';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { connectedRedis } from '../redis/client';
import { redisUnavailable } from '../redis/errors';
import {
  decideNamespace,
  missingQueues,
  orderQueues,
  parseProcess,
  queueLatency,
  requiredQueuesFor,
  sidekiqWarnings,
  utcDay,
  type NamespaceDecision,
  type SidekiqProcess,
  type SidekiqQueue,
  type SidekiqReport,
} from './sidekiq-report';
import type { MastodonVersion } from './version';

/**
 * Reads Sidekiq's state from Redis: queues, counters, sets and live processes in two pipelined round trips,
 * read-only. What the values mean, and the report's shape, are in sidekiq-report.ts.
 */

export type * from './sidekiq-report';

type PipelineReply = [Error | null, unknown][] | null;

function replies(result: PipelineReply, keys: readonly string[]): unknown[] {
  if (!result) throw new Error('the pipeline was discarded');
  return result.map(([error, value], index) => {
    if (!error) return value;
    // A reply error (e.g. WRONGTYPE) means the key is not Sidekiq's; a connection error fails the whole read.
    if (error.name === 'ReplyError') {
      throw new AppError(
        'upstream_failed',
        text('vitals.errors.sidekiqKeys.title'),
        text('vitals.errors.sidekiqKeys.detail', { key: keys[index] ?? 'a key', message: error.message }),
        text('vitals.errors.sidekiqKeys.fix'),
      );
    }
    throw error;
  });
}

function count(value: unknown): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(parsed) ? parsed : 0;
}

async function resolvePrefix(client: Redis, decision: NamespaceDecision): Promise<string> {
  if (decision.mode === 'none' || decision.mode === 'ignored') return '';
  if (decision.mode === 'applied') return `${decision.namespace}:`;
  const prefix = `${decision.namespace}:`;
  const found = await client.exists(`${prefix}queues`, `${prefix}processes`, `${prefix}stat:processed`);
  return found > 0 ? prefix : '';
}

export interface ReadSidekiqOptions {
  /** The Mastodon version Sidekiq runs, when known: decides the namespace and the required queues. */
  version?: MastodonVersion;
  /** Measuring time (epoch ms); defaults to the time the reply arrived. */
  nowMs?: number;
}

/** Reads Sidekiq's keys from the Sidekiq Redis (SIDEKIQ_REDIS_* if set, else REDIS_*). */
export async function readSidekiq(options: ReadSidekiqOptions = {}): Promise<SidekiqReport> {
  const { mastodon } = getConfig();
  const namespace = decideNamespace(mastodon.redisNamespace, options.version);
  try {
    const client = await connectedRedis('sidekiq');
    const prefix = await resolvePrefix(client, namespace);
    const key = (name: string) => `${prefix}${name}`;
    // The day is fixed before reading so that "today" names the counters of the day the read began.
    const day = utcDay(options.nowMs ?? Date.now());

    const firstKeys = [
      key('queues'),
      key('processes'),
      key('stat:processed'),
      key('stat:failed'),
      key(`stat:processed:${day}`),
      key(`stat:failed:${day}`),
      key('retry'),
      key('schedule'),
      key('dead'),
    ];
    const first = replies(
      (await client
        .pipeline()
        .smembers(firstKeys[0]!)
        .smembers(firstKeys[1]!)
        .get(firstKeys[2]!)
        .get(firstKeys[3]!)
        .get(firstKeys[4]!)
        .get(firstKeys[5]!)
        .zcard(firstKeys[6]!)
        .zcard(firstKeys[7]!)
        .zcard(firstKeys[8]!)
        .exec()) as PipelineReply,
      firstKeys,
    );
    const queueNames = orderQueues(first[0] as string[]);
    const identities = [...(first[1] as string[])].sort();

    const secondKeys: string[] = [];
    const second = client.pipeline();
    for (const name of queueNames) {
      second.llen(key(`queue:${name}`)).lindex(key(`queue:${name}`), -1);
      secondKeys.push(key(`queue:${name}`), key(`queue:${name}`));
    }
    // Identities are stored without the namespace; their hashes carry it (redis-namespace prefixes keys, not members).
    for (const identity of identities) {
      second.hgetall(key(identity));
      secondKeys.push(key(identity));
    }
    const answers = secondKeys.length > 0 ? replies((await second.exec()) as PipelineReply, secondKeys) : [];
    const nowMs = options.nowMs ?? Date.now();

    const required = requiredQueuesFor(options.version);
    const queues: SidekiqQueue[] = queueNames.map((name, index) => ({
      name,
      size: count(answers[index * 2]),
      ...queueLatency((answers[index * 2 + 1] as string | null) ?? null, nowMs),
      required: required.includes(name),
    }));
    const processes: SidekiqProcess[] = [];
    let goneProcesses = 0;
    identities.forEach((identity, index) => {
      const hash = (answers[queueNames.length * 2 + index] ?? {}) as Record<string, string>;
      const process = parseProcess(identity, hash, nowMs);
      if (process) processes.push(process);
      else goneProcesses += 1;
    });
    const missing = missingQueues(required, processes);

    return {
      redis: mastodon.sidekiqRedis.label,
      prefix,
      namespace,
      readAtMs: nowMs,
      queues,
      enqueued: queues.reduce((sum, queue) => sum + queue.size, 0),
      stats: {
        processed: count(first[2]),
        failed: count(first[3]),
        day,
        processedToday: count(first[4]),
        failedToday: count(first[5]),
      },
      sets: { retry: count(first[6]), scheduled: count(first[7]), dead: count(first[8]) },
      processes,
      goneProcesses,
      requiredQueues: required,
      missingQueues: missing,
      warnings: sidekiqWarnings({ namespace, prefix, processes, goneProcesses, missing }),
    };
  } catch (error) {
    throw redisUnavailable(error, 'sidekiq');
  }
}
