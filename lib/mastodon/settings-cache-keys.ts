import 'server-only';

import type { RunningVersion } from './running-version';
import type { SettingsSchema } from './settings-table';
import { parseMastodonVersion } from './version';
import { factsFor, firstReleaseWith } from './version-facts';

/**
 * Where the Rails cache keeps its copy of a setting: `<prefix>rails_settings_cached/<md5>/<var>`
 * (mastodon/mastodon v4.3.17 app/models/setting.rb, `cache_key`). The md5 is of the release's settings.yml
 * defaults as Ruby prints them, so it is matched with a glob, never computed. Pure.
 */

/** Whether REDIS_NAMESPACE prefixes the cache (version-facts redisNamespace); an unknown version: by the schema. */
function namespaceHonoured(version: RunningVersion, schema: SettingsSchema): boolean {
  if (version.version) return factsFor(version.version).redisNamespace === 'honoured';
  // The var-unique shape exists only from the release that introduced it, which settles the namespace question.
  const varUniqueFrom = parseMastodonVersion(firstReleaseWith('settingsShape', 'var-unique') ?? '');
  if (schema === 'var-unique' && varUniqueFrom) return factsFor(varUniqueFrom).redisNamespace === 'honoured';
  return true;
}

/**
 * The Rails cache's key prefix: `cache:`, or `<REDIS_NAMESPACE>_cache:` where the version honours a namespace
 * (later releases hard-code `cache`).
 */
export function cacheKeyPrefix(input: {
  version: RunningVersion;
  schema: SettingsSchema;
  redisNamespace?: string;
}): string {
  return input.redisNamespace && namespaceHonoured(input.version, input.schema)
    ? `${input.redisNamespace}_cache:`
    : 'cache:';
}

/** Redis glob characters in a namespace are matched literally. */
export function redisGlobEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** SCAN patterns for the cached copies of these settings. */
export function settingsCachePatterns(prefix: string, vars: readonly string[]): string[] {
  const escaped = redisGlobEscape(prefix);
  return vars.map((name) => `${escaped}rails_settings_cached/*/${name}`);
}
