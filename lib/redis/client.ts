import 'server-only';

import { Redis } from 'ioredis';

import { getConfig, type RedisTarget } from '../config';

const CLIENTS = Symbol.for('mastodash.redis.clients');
const LAST_ERRORS = Symbol.for('mastodash.redis.last-connection-errors');
type ClientHolder = { [CLIENTS]?: Map<string, Redis>; [LAST_ERRORS]?: WeakMap<Redis, Error> };

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
      // Reconnect within 2 s of Redis's return, so its panels recover within seconds (a failed attempt is cheap).
      retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
    });
    // With the offline queue off, a command while disconnected fails with "Stream isn't writeable"; the
    // connection's own error (ENOTFOUND, ECONNREFUSED, …) is the cause worth showing, so it is kept.
    const lastErrors = (holder[LAST_ERRORS] ??= new WeakMap());
    const connected = client;
    connected.on('error', (error: Error) => lastErrors.set(connected, error));
    connected.on('ready', () => lastErrors.delete(connected));
    holder[CLIENTS].set(url, client);
  }
  return client;
}

/** Why the client for that role last failed to connect, while it is not connected. */
export function lastConnectionError(role: RedisRole = 'main'): Error | undefined {
  const holder = globalThis as ClientHolder;
  const client = holder[CLIENTS]?.get(targetOf(role).url);
  return client && client.status !== 'ready' ? holder[LAST_ERRORS]?.get(client) : undefined;
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
