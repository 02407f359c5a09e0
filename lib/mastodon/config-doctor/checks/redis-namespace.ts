/** REDIS_NAMESPACE: honoured, then refused at boot (version-facts.ts redisNamespace). */
import { text } from '@/lib/i18n/text';

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
    const refusedFrom = firstReleaseWith('redisNamespace', 'refused') ?? '';
    if (value === undefined) {
      return {
        id: 'redis-namespace-unset',
        severity: 'ok',
        key: 'REDIS_NAMESPACE',
        title: text('doctor.redisNamespace.unset.title'),
        why: text('doctor.redisNamespace.unset.why', { release: refusedFrom }),
      };
    }
    const esConfigured = ctx.env.get('ES_ENABLED') === 'true';
    const esNote = esConfigured && !isSet(ctx.env.get('ES_PREFIX')) ? 'yes' : 'no';
    const migrate = text('doctor.redisNamespace.migrate', { where: where(ctx, 'REDIS_NAMESPACE'), esNote });
    const empty = value === '' ? 'yes' : 'no';
    if (!version || factsFor(version).redisNamespace === 'refused') {
      return {
        id: 'redis-namespace-set',
        severity: version ? 'error' : 'warning',
        key: 'REDIS_NAMESPACE',
        title: version
          ? text('doctor.redisNamespace.refused.title', { version: version.text })
          : text('doctor.redisNamespace.refused.titleUnknown'),
        why: text('doctor.redisNamespace.refused.why', { release: refusedFrom, empty }),
        fix: migrate,
      };
    }
    return {
      id: 'redis-namespace-set',
      // The last line that honours it warns: the next upgrade is the one that refuses.
      severity: version.minor + 1 === parseMastodonVersion(refusedFrom)?.minor ? 'warning' : 'info',
      key: 'REDIS_NAMESPACE',
      title: text('doctor.redisNamespace.honoured.title', { release: refusedFrom }),
      why: text('doctor.redisNamespace.honoured.why', { version: version.text, release: refusedFrom, empty }),
      fix: text('doctor.redisNamespace.honoured.fix', { release: refusedFrom, migrate }),
    };
  };
}

export const redisNamespaceCheck: DoctorCheck = {
  name: 'redis-namespace',
  skip: envUnread,
  run: (ctx) => [versioned(namespaceCheck(ctx), ctx.version, ctx.upcoming) ?? []].flat(),
};
