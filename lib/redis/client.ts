import 'server-only';

import { Redis, type RedisOptions } from 'ioredis';

import { getConfig, type RedisTarget } from '../config';
import { dropProcessSingleton, existingProcessSingleton, processSingleton } from '../process/singleton';

const CLIENTS = 'redis.clients';
const LAST_ERRORS = 'redis.last-connection-errors';
const clients = (): Map<string, Redis> => processSingleton(CLIENTS, () => new Map<string, Redis>());
const lastErrors = (): WeakMap<Redis, Error> => processSingleton(LAST_ERRORS, () => new WeakMap<Redis, Error>());

export type RedisRole = 'main' | 'cache' | 'sidekiq';

/** One client per distinct endpoint: the URL, or the master's name and sentinels. */
function clientKey(target: RedisTarget): string {
  return target.sentinel ? `${target.url} ${JSON.stringify(target.sentinel)}` : target.url;
}

/**
 * ioredis options for a target; a sentinel target asks its sentinels for the master, authenticating to the
 * sentinels and to the master separately, as Mastodon's redis-client does.
 */
export function connectionOptions(target: RedisTarget): { url?: string; options: RedisOptions } {
  if (!target.sentinel) return { url: target.url, options: {} };
  const master = new URL(target.url);
  return {
    options: {
      sentinels: target.sentinel.sentinels,
      name: target.sentinel.name,
      sentinelUsername: target.sentinel.username,
      sentinelPassword: target.sentinel.password,
      username: master.password ? decodeURIComponent(master.username) || undefined : undefined,
      password: master.password ? decodeURIComponent(master.password) : undefined,
      db: Number(master.pathname.replace(/^\//, '') || '0'),
    },
  };
}

function targetOf(role: RedisRole): RedisTarget {
  const { mastodon } = getConfig();
  return role === 'cache' ? mastodon.cacheRedis : role === 'sidekiq' ? mastodon.sidekiqRedis : mastodon.redis;
}

/**
 * The Redis Mastodon uses for that role (main, Rails cache, Sidekiq), one client per distinct URL.
 * Commands time out and are not queued while disconnected, so a Redis outage fails fast.
 */
export function redis(role: RedisRole = 'main'): Redis {
  const target = targetOf(role);
  const key = clientKey(target);
  let client = clients().get(key);
  if (!client) {
    const { url, options } = connectionOptions(target);
    const common: RedisOptions = {
      ...options,
      lazyConnect: true,
      connectTimeout: 3_000,
      commandTimeout: 5_000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      // Reconnect within 2 s of Redis's return, so its panels recover within seconds (a failed attempt is cheap).
      retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
    };
    client = url ? new Redis(url, common) : new Redis(common);
    // With the offline queue off, a command while disconnected fails with "Stream isn't writeable"; the
    // connection's own error (ENOTFOUND, ECONNREFUSED, …) is the cause worth showing, so it is kept.
    const errors = lastErrors();
    const connected = client;
    connected.on('error', (error: Error) => errors.set(connected, error));
    connected.on('ready', () => errors.delete(connected));
    clients().set(key, client);
  }
  return client;
}

/** Why the client for that role last failed to connect, while it is not connected. */
export function lastConnectionError(role: RedisRole = 'main'): Error | undefined {
  const client = existingProcessSingleton<Map<string, Redis>>(CLIENTS)?.get(clientKey(targetOf(role)));
  return client && client.status !== 'ready' ? lastErrors().get(client) : undefined;
}

/** Connects when needed (lazyConnect); call before the first command. */
export async function connectedRedis(role: RedisRole = 'main'): Promise<Redis> {
  const client = redis(role);
  if (client.status === 'wait' || client.status === 'end') await client.connect();
  return client;
}

/** For tests: close every client. */
export async function resetRedisForTesting(): Promise<void> {
  for (const client of existingProcessSingleton<Map<string, Redis>>(CLIENTS)?.values() ?? []) client.disconnect();
  dropProcessSingleton(CLIENTS);
}
