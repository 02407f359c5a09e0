/** The Redis user and Sentinel keys, which only newer releases read (version-facts.ts redisUserAndSentinel). */
import { text } from '@/lib/i18n/text';

import { factsFor, since } from '../../version-facts';
import { envUnread, isSet, versioned, type DoctorCheck, type DoctorContext, type VersionedCheck } from '../check';

const REDIS_PREFIXES = ['', 'CACHE_', 'SIDEKIQ_'] as const;

/**
 * The *_REDIS_USER and *_SENTINEL* keys: newer releases read them (setup_config, setup_sentinels), older ones build
 * their Redis URLs from host, port, db and password only. Mastodash recognises Sentinel but does not follow it yet.
 */
function userAndSentinelCheck(ctx: DoctorContext): VersionedCheck {
  return (version) => {
    const users = REDIS_PREFIXES.map((prefix) => `${prefix}REDIS_USER`).filter((key) => isSet(ctx.env.get(key)));
    const sentinels = REDIS_PREFIXES.map((prefix) => `${prefix}REDIS_SENTINEL_MASTER`).filter((key) =>
      isSet(ctx.env.get(key)),
    );
    if (users.length === 0 && sentinels.length === 0) return undefined;
    const honouredFrom = since('redisUserAndSentinel', true);
    const keys = [...users, ...sentinels];
    if (version && !factsFor(version).redisUserAndSentinel) {
      return {
        id: 'redis-user-ignored',
        severity: 'warning',
        key: keys[0]!,
        title: text('doctor.redisUser.ignored.title', { version: version.text, keys: keys.join(', ') }),
        why: text('doctor.redisUser.ignored.why', { release: honouredFrom, version: version.text }),
        fix: text('doctor.redisUser.ignored.fix', { release: honouredFrom }),
      };
    }
    if (sentinels.length > 0) {
      return {
        id: 'redis-sentinel-set',
        severity: 'info',
        key: sentinels[0]!,
        title: text('doctor.redisUser.sentinel.title', { keys: sentinels.join(', ') }),
        why: version
          ? text('doctor.redisUser.sentinel.why', { version: version.text })
          : text('doctor.redisUser.sentinel.whyUnknown', { release: honouredFrom }),
      };
    }
    return undefined;
  };
}

export const redisUserAndSentinelCheck: DoctorCheck = {
  name: 'redis-user-and-sentinel',
  skip: envUnread,
  run: (ctx) => [versioned(userAndSentinelCheck(ctx), ctx.version, ctx.upcoming) ?? []].flat(),
};
