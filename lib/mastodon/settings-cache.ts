import 'server-only';

import { getConfig } from '../config';
import type { ErrorView } from '../errors';
import { connectedRedis } from '../redis/client';
import { redisUnavailable } from '../redis/errors';

/**
 * The Rails cache's copies of Mastodon's settings, in Mastodon's cache Redis: listed, and deleted after a
 * settings row was written (settings-table.ts), so that the running Mastodon reads the new row at once instead
 * of the old copy for up to 10 minutes (the cache's `expires_in`). The values are Rails' own serialisation:
 * never written, only deleted. Shared by every setting the dashboard changes.
 */

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
export async function readCachedSettings(prefix: string, patterns: string[]): Promise<CacheState> {
  const label = getConfig().mastodon.cacheRedis.label;
  try {
    return { ok: true, redis: label, prefix, keys: await scanKeys(patterns) };
  } catch (error) {
    return { ok: false, redis: label, prefix, error: redisUnavailable(error, 'cache').toView() };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes the cached copies twice, a second apart: a request that read the old row before the COMMIT may
 * write it back after the first delete. A failure is returned, not thrown, since the rows are already written.
 */
export async function deleteCachedSettings(prefix: string, patterns: string[]): Promise<CacheDeletion> {
  try {
    const removedFirst = await unlinkKeys(patterns);
    await sleep(SECOND_PASS_DELAY_MS);
    const removedSecond = await unlinkKeys(patterns);
    return { prefix, removedFirst, removedSecond };
  } catch (error) {
    return { prefix, error: redisUnavailable(error, 'cache').toView() };
  }
}
