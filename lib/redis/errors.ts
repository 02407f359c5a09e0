import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { lastConnectionError, type RedisRole } from './client';

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
  const name = text(`vitals.errors.redis.name.${role}`);
  const keys = ROLE_KEYS[role];
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return new AppError(
      'redis_refused',
      text('vitals.errors.redis.password.title', { name }),
      text('vitals.errors.redis.said', { label, message }),
      text('vitals.errors.redis.password.fix', { keys }),
    );
  }
  if (/timed? ?out/i.test(message)) {
    return new AppError(
      'redis_unreachable',
      text('vitals.errors.redis.timeout.title', { name }),
      text('vitals.errors.redis.timeout.detail', { label }),
      text('vitals.errors.redis.timeout.fix'),
    );
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) {
    return new AppError(
      'redis_unreachable',
      text('vitals.errors.redis.notFound.title', { name }),
      text('vitals.errors.redis.notFound.detail', { label, message }),
      text('vitals.errors.redis.notFound.fix', { keys }),
    );
  }
  return new AppError(
    'redis_unreachable',
    text('vitals.errors.redis.down.title', { name }),
    text('vitals.errors.redis.said', { label, message }),
    text('vitals.errors.redis.down.fix', { keys }),
  );
}
