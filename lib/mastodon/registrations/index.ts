import 'server-only';

import { getConfig } from '../../config';
import { AppError, type ErrorView } from '../../errors';
import { text } from '../../i18n/text';
import { postgresUnavailable } from '../../postgres/errors';
import { writeYamlScalar } from '../settings-yaml';
import { readRunningVersion } from '../running-version';
import { readStoredRows, writeStoredRows, type RowWritten, type StoredRows } from './postgres';
import { deleteCachedCopies, readCacheState, type CacheDeletion, type CacheState } from './redis';
import {
  cacheKeyPrefix,
  cachePatterns,
  interpretRegistrations,
  modeKey,
  type RegistrationSettings,
  type RegistrationsMode,
  type RegistrationVar,
  type SettingsSchema,
  type VersionInfo,
} from './settings';

/**
 * The registration mode (mastodon/mastodon v4.3.17 app/models/form/admin_settings.rb, `registrations_mode`):
 * read from Mastodon's `settings` table, explained against the version's default and the environment's
 * overrides, and changed so that the running Mastodon sees it at once.
 *
 * Why Postgres + cache delete and not `tootctl settings registrations`: tootctl goes through the model
 * (after_commit rewrites the cache) but boots Rails for several seconds and needs web or sidekiq
 * running, which is exactly when an admin may need it least (closing sign-ups during a spam wave while
 * web is crash-looping, or before starting a restored server). Writing the row ourselves works with
 * every Mastodon container down, takes milliseconds, and its cache semantics are exact: Rails reads a
 * setting with `Rails.cache.fetch(key) { row&.value || default }`, so a deleted entry is refilled from
 * the row we just committed, which is what the rewrite after_commit achieves. We also drop the
 * /api/v*\/instance cache that tootctl leaves stale for three minutes. The cost is schema knowledge
 * (the thing_type columns of older releases, the unique var index of later ones), detected from the
 * table itself, and the read-before-commit race, closed by a second delete a second later (the 10-minute
 * TTL bounds it in any case). Mastodon validates nothing on these rows, so nothing is skipped by not
 * using it.
 *
 * The parts: settings.ts (pure: shapes and meaning), postgres.ts (the rows), redis.ts (the cached copies).
 */

export * from './settings';
export { detectSettingsSchema } from '../settings-table';
export type { RowWritten } from './postgres';
export { SECOND_PASS_DELAY_MS, type CacheState } from './redis';

export interface RegistrationsReport {
  /** Undefined when Postgres could not be read; `postgresError` says why. */
  settings?: RegistrationSettings;
  postgresError?: ErrorView;
  version: VersionInfo;
  /** The cached copies of these settings in Redis (their presence only; the values are Rails' own format). */
  cache?: CacheState;
}

function interpretStored(
  stored: { schema: SettingsSchema; rows: StoredRows } | { error: ErrorView },
  version: VersionInfo,
): { settings: RegistrationSettings } | { error: ErrorView } {
  if ('error' in stored) return stored;
  try {
    return {
      settings: interpretRegistrations({
        rows: stored.rows,
        version,
        schema: stored.schema,
        env: getConfig().mastodon.registrationOverrides,
      }),
    };
  } catch (error) {
    return { error: postgresUnavailable(error).toView() };
  }
}

/**
 * Everything the page shows; each backend's failure is reported, never thrown. Docker (for the version)
 * and Postgres are asked at once. `withCache: false` skips the Redis scan for readers that show only the
 * mode (the home page), since the scan is the slowest part and says nothing about the mode itself.
 */
export async function readRegistrationSettings(options: { withCache?: boolean } = {}): Promise<RegistrationsReport> {
  const [version, stored] = await Promise.all([readRunningVersion(), readStoredRows()]);
  const read = interpretStored(stored, version);
  const cache =
    options.withCache === false
      ? undefined
      : await readCacheState(version, 'settings' in read ? read.settings.schema : undefined);
  const report: RegistrationsReport =
    'settings' in read ? { settings: read.settings, version } : { postgresError: read.error, version };
  return cache ? { ...report, cache } : report;
}

export interface ChangeRegistrationsInput {
  mode: RegistrationsMode;
  /** Written as require_invite_text only with `approved`, as tootctl does; left alone otherwise. */
  requireReason?: boolean;
  /** The mode the admin saw; when given and the stored one differs, nothing is written. */
  from?: RegistrationsMode | 'unrecognised' | 'unknown';
}

export interface ChangeRegistrationsResult {
  before?: RegistrationSettings;
  after: RegistrationsReport;
  schema: SettingsSchema;
  rowsWritten: RowWritten[];
  cache: CacheDeletion;
}

/**
 * Writes the mode (and require_invite_text with `approved`) in one transaction, then deletes the
 * cached copies twice, a second apart, and reads everything back. A Redis failure after the commit
 * does not undo the change; it is reported (Mastodon then serves the old value for up to 10 minutes).
 */
export async function changeRegistrationMode(input: ChangeRegistrationsInput): Promise<ChangeRegistrationsResult> {
  const { mastodon } = getConfig();
  const version = await readRunningVersion();
  const writes: [RegistrationVar, string][] = [['registrations_mode', writeYamlScalar(input.mode)]];
  if (input.mode === 'approved' && input.requireReason !== undefined)
    writes.push(['require_invite_text', writeYamlScalar(input.requireReason)]);

  const { schema, before, rowsWritten } = await writeStoredRows(writes, (schema, rows) => {
    const stored = interpretRegistrations({ rows, version, schema, env: mastodon.registrationOverrides });
    if (input.from !== undefined && modeKey(stored.mode) !== input.from) {
      throw new AppError(
        'conflict',
        text('registrations.errors.modeChanged.title'),
        text('registrations.errors.modeChanged.detail', { from: input.from, now: modeKey(stored.mode) }),
        text('registrations.errors.modeChanged.fix'),
      );
    }
    return stored;
  });

  const prefix = cacheKeyPrefix({ version, schema, redisNamespace: mastodon.redisNamespace });
  const cache = await deleteCachedCopies(
    prefix,
    cachePatterns(
      prefix,
      writes.map(([name]) => name),
    ),
  );

  const read = interpretStored(await readStoredRows(), version);
  const after: RegistrationsReport =
    'settings' in read
      ? { settings: read.settings, version, cache: await readCacheState(version, schema) }
      : { postgresError: read.error, version };
  return { before, after, schema, rowsWritten, cache };
}
