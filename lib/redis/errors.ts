import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { lastConnectionError, type RedisRole } from './client';

const ROLE_NAMES: Record<RedisRole, string> = { main: 'Redis', cache: 'cache Redis', sidekiq: "Sidekiq's Redis" };
const ROLE_KEYS: Record<RedisRole, string> = {
  main: 'REDIS_*',
  cache: 'CACHE_REDIS_* (or REDIS_*)',
  sidekiq: 'SIDEKIQ_REDIS_* (or REDIS_*)',
};

/** Turns a failed Redis call into down / not answering / refused, naming which Redis (by label, no password). */
export function redisUnavailable(error: unknown, role: RedisRole = 'main'): AppError {
  if (error instanceof AppError) return error;
  const { mastodon } = getConfig();
  const label = (role === 'cache' ? mastodon.cacheRedis : role === 'sidekiq' ? mastodon.sidekiqRedis : mastodon.redis)
    .label;
  let raw = error instanceof Error ? error.message : String(error);
  // "Stream isn't writeable" / "Connection is closed" only say that no connection exists; say why.
  if (/Stream isn't writeable|Connection is closed/i.test(raw)) raw = lastConnectionError(role)?.message ?? raw;
  const message = raw.replace(/rediss?:\/\/\S+/g, 'redis://…');
  const name = `Mastodon's ${ROLE_NAMES[role]}`;
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return new AppError(
      'redis_refused',
      `${name} refused the password`,
      `${label}: ${message}`,
      `Check REDIS_PASSWORD / the password in ${ROLE_KEYS[role]} in .env.production.`,
    );
  }
  if (/timed? ?out/i.test(message)) {
    return new AppError(
      'redis_unreachable',
      `${name} is not answering`,
      `${label} did not answer in time.`,
      'Check the redis container (docker compose logs redis); it may be saving or out of memory.',
    );
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) {
    return new AppError(
      'redis_unreachable',
      `${name} cannot be found`,
      `${label}: the host name does not resolve here (${message}).`,
      "In a container, the dashboard must join the compose project's internal_network, where redis lives " +
        `(deploy/compose.mastodash.yml does). On the host, ${ROLE_KEYS[role]} must name an address, not redis.`,
    );
  }
  return new AppError(
    'redis_unreachable',
    `${name} is down`,
    `${label}: ${message}`,
    'Start the redis container (docker compose up -d redis). ' +
      "In a container, the dashboard must be on the compose project's internal network; " +
      `check ${ROLE_KEYS[role]} in .env.production.`,
  );
}
