import 'server-only';

import { Redis } from 'ioredis';

import { getConfig, type RedisTarget } from '../config';

const CLIENTS = Symbol.for('mastodash.redis.clients');
type ClientHolder = { [CLIENTS]?: Map<string, Redis> };

export type RedisRole = 'main' | 'cache' | 'sidekiq';

function targetOf(role: RedisRole): RedisTarget {
  const { mastodon } = getConfig();
  return role === 'cache' ? mastodon.cacheRedis : role === 'sidekiq' ? mastodon.sidekiqRedis : mastodon.redis;
}

/**
 * The Redis Mastodon uses for that role (main, Rails cache, Sidekiq), one client per distinct URL.
 * Commands time out and are not queued while disconnected, so a Redis outage fails fast.
 */
export function redis(role: RedisRole = 'main'): Redis {
  const holder = globalThis as ClientHolder;
  holder[CLIENTS] ??= new Map();
  const { url } = targetOf(role);
  let client = holder[CLIENTS].get(url);
  if (!client) {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 3_000,
      commandTimeout: 5_000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
    });
    client.on('error', () => undefined);
    holder[CLIENTS].set(url, client);
  }
  return client;
}

/** Connects when needed (lazyConnect); call before the first command. */
export async function connectedRedis(role: RedisRole = 'main'): Promise<Redis> {
  const client = redis(role);
  if (client.status === 'wait' || client.status === 'end') await client.connect();
  return client;
}

/** For tests: close every client. */
export async function resetRedisForTesting(): Promise<void> {
  const holder = globalThis as ClientHolder;
  for (const client of holder[CLIENTS]?.values() ?? []) client.disconnect();
  holder[CLIENTS] = undefined;
}
