import 'server-only';

import { getConfig } from '../../config';
import { AppError, type ErrorView } from '../../errors';
import { text } from '../../i18n/text';
import { readRunningVersion } from '../running-version';
import { deleteCachedSettings, type CacheDeletion } from '../settings-cache';
import { cacheKeyPrefix, settingsCachePatterns } from '../settings-cache-keys';
import { readSiteSettings, writeSiteSettings, type RowWritten, type SettingsSchema } from '../settings-table';
import { writeYamlScalar } from '../settings-yaml';
import { RETENTION_VARS, retentionStateKey, type RetentionSetting, type RetentionVar } from './facts';
import { interpretRetentionRows } from './settings';

/**
 * Mastodon's content retention settings (facts.ts), read from the `settings` table and changed the way the
 * registration mode is (lib/mastodon/registrations/index.ts says why not through tootctl): the row in one
 * transaction (settings-table.ts), then the Rails cache's copy deleted (settings-cache.ts), so that the next
 * daily vacuum (Scheduler::VacuumScheduler in sidekiq) reads the new value.
 */

export * from './facts';

export type RetentionReport =
  { ok: true; schema: SettingsSchema; settings: RetentionSetting[] } | { ok: false; error: ErrorView };

export async function readRetentionSettings(): Promise<RetentionReport> {
  const stored = await readSiteSettings(RETENTION_VARS);
  if ('error' in stored) return { ok: false, error: stored.error };
  return { ok: true, schema: stored.schema, settings: interpretRetentionRows(stored.rows) };
}

export interface ChangeRetentionInput {
  setting: RetentionVar;
  days: number;
  /** retentionStateKey of what the page showed. */
  from: string;
}

export interface ChangeRetentionResult {
  before: RetentionSetting;
  after: RetentionReport;
  schema: SettingsSchema;
  rowsWritten: RowWritten<RetentionVar>[];
  cache: CacheDeletion;
}

/**
 * Stores `days` as Rails' YAML integer (`--- 14\n`, what Mastodon's form stores), then deletes the cached copies.
 * A Redis failure after the commit does not undo the change; it is reported (Mastodon then reads the old value for
 * up to 10 minutes, well within the vacuum's day).
 */
export async function changeRetentionSetting(input: ChangeRetentionInput): Promise<ChangeRetentionResult> {
  const version = await readRunningVersion();
  const { schema, before, rowsWritten } = await writeSiteSettings(
    RETENTION_VARS,
    [[input.setting, writeYamlScalar(input.days)]],
    (_schema, rows) => {
      const stored = interpretRetentionRows(rows).find((setting) => setting.name === input.setting)!;
      if (retentionStateKey(stored) !== input.from) {
        throw new AppError(
          'conflict',
          text('media.errors.retentionChanged.title'),
          text('media.errors.retentionChanged.detail', {
            shown: input.from,
            setting: input.setting,
            now: retentionStateKey(stored),
          }),
          text('media.errors.retentionChanged.fix'),
        );
      }
      return stored;
    },
  );
  const prefix = cacheKeyPrefix({ version, schema, redisNamespace: getConfig().mastodon.redisNamespace });
  const cache = await deleteCachedSettings(prefix, settingsCachePatterns(prefix, [input.setting]));
  return { before, after: await readRetentionSettings(), schema, rowsWritten, cache };
}
