import 'server-only';

import { getConfig } from '../../config';
import type { ErrorView } from '../../errors';
import { connectedRedis } from '../../redis/client';
import { redisUnavailable } from '../../redis/errors';
import { cacheKeyPrefix, cachePatterns, type SettingsSchema, type VersionInfo } from './settings';

/** The Rails cache's copies of the registration settings, in Mastodon's cache Redis. */

export type CacheState =
  | { ok: true; redis: string; prefix: string; keys: string[] }
  | { ok: false; redis: string; prefix: string; error: ErrorView };

export type CacheDeletion =
  { prefix: string; removedFirst: string[]; removedSecond: string[] } | { prefix: string; error: ErrorView };

/** How long after the first cache delete the second one runs (the read-before-commit race). */
export const SECOND_PASS_DELAY_MS = 1_000;

async function scanKeys(patterns: string[]): Promise<string[]> {
  const client = await connectedRedis('cache');
  const found = new Set<string>();
  for (const match of patterns) {
    await new Promise<void>((resolve, reject) => {
      const stream = client.scanStream({ match, count: 1000 });
      stream.on('data', (keys: string[]) => keys.forEach((key) => found.add(key)));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
  }
  return [...found].sort();
}

async function unlinkKeys(patterns: string[]): Promise<string[]> {
  const keys = await scanKeys(patterns);
  const client = await connectedRedis('cache');
  for (let index = 0; index < keys.length; index += 500) await client.unlink(...keys.slice(index, index + 500));
  return keys;
}

/** Which cached copies exist; a failure is returned as the error the page shows. */
export async function readCacheState(version: VersionInfo, schema: SettingsSchema | undefined): Promise<CacheState> {
  const { mastodon } = getConfig();
  // Without the schema an unknown version leaves the namespace question open; assume it applies.
  const prefix = cacheKeyPrefix({
    version,
    schema: schema ?? 'thing-columns',
    redisNamespace: mastodon.redisNamespace,
  });
  try {
    return {
      ok: true,
      redis: mastodon.cacheRedis.label,
      prefix,
      keys: await scanKeys(cachePatterns(prefix, ['registrations_mode', 'require_invite_text'])),
    };
  } catch (error) {
    return { ok: false, redis: mastodon.cacheRedis.label, prefix, error: redisUnavailable(error, 'cache').toView() };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes the cached copies twice, a second apart: a request that read the old row before the COMMIT may
 * write it back after the first delete. A failure is returned, not thrown, since the rows are already written.
 */
export async function deleteCachedCopies(prefix: string, patterns: string[]): Promise<CacheDeletion> {
  try {
    const removedFirst = await unlinkKeys(patterns);
    await sleep(SECOND_PASS_DELAY_MS);
    const removedSecond = await unlinkKeys(patterns);
    return { prefix, removedFirst, removedSecond };
  } catch (error) {
    return { prefix, error: redisUnavailable(error, 'cache').toView() };
  }
}
