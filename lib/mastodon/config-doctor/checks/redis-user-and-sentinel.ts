/** The Redis user and Sentinel keys, which only newer releases read (version-facts.ts redisUserAndSentinel). */
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
        title: `Mastodon ${version.text} ignores ${keys.join(', ')}`,
        why:
          `Mastodon reads the Redis user and the Sentinel keys from ${honouredFrom} on ` +
          `(lib/mastodon/redis_configuration.rb); ${version.text} connects with host, port, database and ` +
          `password only, so a Redis that requires this user refuses it.`,
        fix:
          `Put the user into REDIS_URL (redis://user:password@host:port/db), or upgrade to ${honouredFrom} or ` +
          `later.`,
      };
    }
    if (sentinels.length > 0) {
      return {
        id: 'redis-sentinel-set',
        severity: 'info',
        key: sentinels[0]!,
        title: `Redis Sentinel is configured (${sentinels.join(', ')})`,
        why:
          `Mastodon ${version ? version.text : `${honouredFrom} and later`} asks the Sentinels for the master. ` +
          `Mastodash recognises these keys but still connects to the REDIS_HOST/REDIS_URL it reads, not to the ` +
          `Sentinels' master.`,
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
