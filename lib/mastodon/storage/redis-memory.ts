import 'server-only';

import type { RedisTarget } from '../../config';
import { AppError } from '../../errors';
import { connectedRedis, type RedisRole } from '../../redis/client';
import { redisUnavailable } from '../../redis/errors';
import { text } from '../../i18n/text';

/** Redis's memory from INFO memory, once per distinct server among Mastodon's three Redis roles. */

/** One Redis server and the roles Mastodon gives it; INFO memory is per server, so roles sharing one are shown once. */
export interface RedisServer {
  /** host:port, without credentials or db. */
  server: string;
  roles: RedisRole[];
}

const ROLES: readonly RedisRole[] = ['main', 'sidekiq', 'cache'];

function serverOf(target: RedisTarget): string {
  try {
    const url = new URL(target.url);
    return `${url.hostname.replace(/^\[|\]$/g, '')}:${url.port || '6379'}`;
  } catch {
    return target.label.replace(/\/\d+$/, '');
  }
}

/** The distinct Redis servers among main, sidekiq and cache (different dbs of one server are one server). */
export function distinctRedisServers(targets: Record<RedisRole, RedisTarget>): RedisServer[] {
  const servers: RedisServer[] = [];
  for (const role of ROLES) {
    const server = serverOf(targets[role]);
    const found = servers.find((entry) => entry.server === server);
    if (found) found.roles.push(role);
    else servers.push({ server, roles: [role] });
  }
  return servers;
}

/** INFO's `key:value` lines (sections and blank lines skipped). */
export function parseRedisInfo(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) values.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return values;
}

export interface RedisMemory {
  usedBytes: number;
  peakBytes: number;
  /** 0: no limit (Redis may grow until the host runs out). */
  maxBytes: number;
  /** What Redis does at maxmemory (noeviction makes writes fail, which breaks Sidekiq). */
  policy?: string;
  rssBytes?: number;
}

export function redisMemoryFromInfo(infoText: string): RedisMemory {
  const info = parseRedisInfo(infoText);
  const number = (key: string): number | undefined => {
    const value = info.get(key);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const used = number('used_memory');
  if (used === undefined) {
    throw new AppError('upstream_failed', text('errors.redisInfo.title'), text('errors.redisInfo.detail'));
  }
  const rss = number('used_memory_rss');
  const policy = info.get('maxmemory_policy');
  return {
    usedBytes: used,
    peakBytes: number('used_memory_peak') ?? used,
    maxBytes: number('maxmemory') ?? 0,
    ...(policy ? { policy } : {}),
    ...(rss !== undefined ? { rssBytes: rss } : {}),
  };
}

export async function readRedisMemory(role: RedisRole): Promise<RedisMemory> {
  try {
    const client = await connectedRedis(role);
    return redisMemoryFromInfo(await client.info('memory'));
  } catch (error) {
    throw redisUnavailable(error, role);
  }
}
