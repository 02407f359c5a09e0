/** REDIS_NAMESPACE: honoured, then refused at boot (version-facts.ts redisNamespace). */
import { parseMastodonVersion } from '../../version';
import { factsFor, firstReleaseWith } from '../../version-facts';
import {
  envUnread,
  isSet,
  versioned,
  where,
  type DoctorCheck,
  type DoctorContext,
  type VersionedCheck,
} from '../check';

function namespaceCheck(ctx: DoctorContext): VersionedCheck {
  return (version) => {
    const value = ctx.env.get('REDIS_NAMESPACE');
    if (value === undefined) {
      return {
        id: 'redis-namespace-unset',
        severity: 'ok',
        key: 'REDIS_NAMESPACE',
        title: 'REDIS_NAMESPACE is not set',
        why:
          'Sidekiq and cache keys have no prefix, which is what Mastodon ' +
          `${firstReleaseWith('redisNamespace', 'refused')} ` +
          `and later require.`,
      };
    }
    const esConfigured = ctx.env.get('ES_ENABLED') === 'true';
    const esNote =
      esConfigured && !isSet(ctx.env.get('ES_PREFIX'))
        ? ' Elasticsearch is enabled: set ES_PREFIX to the old namespace so the search indexes keep their names.'
        : '';
    const migrate =
      `Migrate the keys first (github.com/mastodon/redis_namespace_migration), then remove REDIS_NAMESPACE from ` +
      `${where(ctx, 'REDIS_NAMESPACE')}.${esNote}`;
    const empty = value === '' ? ' It is set to an empty value, which counts as set.' : '';
    const refusedFrom = firstReleaseWith('redisNamespace', 'refused');
    if (!version || factsFor(version).redisNamespace === 'refused') {
      return {
        id: 'redis-namespace-set',
        severity: version ? 'error' : 'warning',
        key: 'REDIS_NAMESPACE',
        title: version
          ? `REDIS_NAMESPACE is set: Mastodon ${version.text} refuses to boot`
          : 'REDIS_NAMESPACE is set (the version is unknown)',
        why:
          `From ${refusedFrom} on, config/initializers/deprecations.rb aborts with "the REDIS_NAMESPACE ` +
          `environment variable is no longer supported" whenever the variable exists.${empty}`,
        fix: migrate,
      };
    }
    return {
      id: 'redis-namespace-set',
      // The last line that honours it warns: the next upgrade is the one that refuses.
      severity: version.minor + 1 === parseMastodonVersion(refusedFrom ?? '')?.minor ? 'warning' : 'info',
      key: 'REDIS_NAMESPACE',
      title: `REDIS_NAMESPACE is set: an upgrade to ${refusedFrom} needs a key migration`,
      why:
        `On ${version.text} it prefixes every Sidekiq key and the cache namespace (the last releases that ` +
        `honour it print a deprecation warning). Mastodon ${refusedFrom} refuses to boot while it is ` +
        `set.${empty}`,
      fix: `Before upgrading to ${refusedFrom}: ${migrate}`,
    };
  };
}

export const redisNamespaceCheck: DoctorCheck = {
  name: 'redis-namespace',
  skip: envUnread,
  run: (ctx) => [versioned(namespaceCheck(ctx), ctx.version, ctx.upcoming) ?? []].flat(),
};
