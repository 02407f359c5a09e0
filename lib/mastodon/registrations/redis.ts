import 'server-only';

import { getConfig } from '../../config';
import { readCachedSettings, type CacheState } from '../settings-cache';
import { cacheKeyPrefix, cachePatterns, type SettingsSchema, type VersionInfo } from './settings';

/** The Rails cache's copies of the registration settings, in Mastodon's cache Redis (settings-cache.ts). */

export { deleteCachedSettings as deleteCachedCopies, SECOND_PASS_DELAY_MS } from '../settings-cache';
export type { CacheDeletion, CacheState } from '../settings-cache';

/** Which cached copies exist; a failure is returned as the error the page shows. */
export function readCacheState(version: VersionInfo, schema: SettingsSchema | undefined): Promise<CacheState> {
  // Without the schema an unknown version leaves the namespace question open; assume it applies.
  const prefix = cacheKeyPrefix({
    version,
    schema: schema ?? 'thing-columns',
    redisNamespace: getConfig().mastodon.redisNamespace,
  });
  return readCachedSettings(prefix, cachePatterns(prefix, ['registrations_mode', 'require_invite_text']));
}
