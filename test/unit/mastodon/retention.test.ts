import { describe, expect, it } from 'vitest';

import { RETENTION_FACTS, RETENTION_MAX_DAYS, RETENTION_VARS, retentionStateKey } from '@/lib/mastodon/retention/facts';
import { interpretRetention, interpretRetentionRows } from '@/lib/mastodon/retention/settings';
import { cacheKeyPrefix, settingsCachePatterns } from '@/lib/mastodon/settings-cache-keys';
import { parseMastodonVersion } from '@/lib/mastodon/version';
import { text } from '@/lib/i18n/text';
import type { RunningVersion } from '@/lib/mastodon/running-version';
import {
  changeRetentionSchema,
  RETENTION_DAYS_LIMIT,
  RETENTION_SETTING_NAMES,
  retentionFormInput,
} from '@/lib/validations/retention';

const version = (number: string): RunningVersion => ({
  version: parseMastodonVersion(number)!,
  source: 'test',
  from: text('vitals.probe.other', { message: 'test' }),
});

describe('the retention settings as Mastodon reads them', () => {
  it('has the three keys of Form::AdminSettings::INTEGER_KEYS and only the archives’ default of 7 days', () => {
    expect(RETENTION_VARS).toEqual([
      'media_cache_retention_period',
      'content_cache_retention_period',
      'backups_retention_period',
    ]);
    expect(interpretRetentionRows({})).toEqual([
      { name: 'media_cache_retention_period', source: 'default' },
      { name: 'content_cache_retention_period', source: 'default' },
      { name: 'backups_retention_period', source: 'default', days: 7 },
    ]);
  });

  it('applies a stored positive integer, in every YAML form the table holds', () => {
    for (const raw of ['--- 14\n', '--- 14', '--- 14\n...\n', '--- +14\n']) {
      expect(interpretRetention('media_cache_retention_period', raw)).toEqual({
        name: 'media_cache_retention_period',
        source: 'stored',
        raw,
        days: 14,
      });
    }
  });

  it('applies nothing for what ContentRetentionPolicy refuses: nil, empty, 0, negative, text, a float', () => {
    const cases: [string, RegExp][] = [
      ['--- \n', /nil/],
      ["--- ''\n", /cleared/],
      ['--- 0\n', /not a positive number/],
      ['--- -3\n', /not a positive number/],
      ["--- '14'\n", /the text "14", not a number/],
      ['--- 1.5\n', /not a whole number/],
      ['--- [1\n', /not readable as YAML/],
    ];
    for (const [raw, why] of cases) {
      const setting = interpretRetention('backups_retention_period', raw);
      expect(setting.days).toBeUndefined();
      expect(setting.source).toBe('stored');
      expect(setting.ignored).toMatch(why);
      // A row, even an empty one, wins over settings.yml: the archives' 7 days no longer apply.
      expect(retentionStateKey(setting)).toBe('off');
    }
  });

  it('names each state for the change’s "from"', () => {
    expect(retentionStateKey(interpretRetention('media_cache_retention_period', undefined))).toBe('default');
    expect(retentionStateKey(interpretRetention('backups_retention_period', undefined))).toBe('default');
    expect(retentionStateKey(interpretRetention('media_cache_retention_period', '--- 30\n'))).toBe('30');
  });

  it('offers 14 days for media and 7 for archives, and no value for remote content, which is a danger', () => {
    expect(RETENTION_FACTS.media_cache_retention_period).toMatchObject({ suggestedDays: 14, danger: false });
    expect(RETENTION_FACTS.backups_retention_period).toMatchObject({ suggestedDays: 7, defaultDays: 7 });
    expect(RETENTION_FACTS.content_cache_retention_period.suggestedDays).toBeUndefined();
    expect(RETENTION_FACTS.content_cache_retention_period.danger).toBe(true);
    expect(RETENTION_FACTS.content_cache_retention_period.meaning).toMatch(/bookmarks or favorites/);
  });
});

describe('where the settings are cached', () => {
  it('uses the namespace only where the version honours it (4.0–4.3), and matches the md5 with a glob', () => {
    expect(cacheKeyPrefix({ version: version('4.3.17'), schema: 'thing-columns', redisNamespace: 'ns' })).toBe(
      'ns_cache:',
    );
    expect(cacheKeyPrefix({ version: version('4.4.4'), schema: 'var-unique', redisNamespace: 'ns' })).toBe('cache:');
    expect(settingsCachePatterns('cache:', ['media_cache_retention_period'])).toEqual([
      'cache:rails_settings_cached/*/media_cache_retention_period',
    ]);
  });
});

describe('the change’s schema', () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [key, value] of Object.entries(fields)) data.set(key, value);
    return retentionFormInput(data);
  };

  it('names the same settings and limit as the facts the page shows', () => {
    expect(RETENTION_SETTING_NAMES).toEqual(RETENTION_VARS);
    expect(RETENTION_DAYS_LIMIT).toBe(RETENTION_MAX_DAYS);
  });

  it('takes the one-click form as the server gets it', () => {
    expect(
      changeRetentionSchema.parse(form({ setting: 'media_cache_retention_period', days: '14', from: 'default' })),
    ).toEqual({ setting: 'media_cache_retention_period', days: 14, from: 'default' });
  });

  it('refuses the remote content period without the confirmation', () => {
    const unconfirmed = changeRetentionSchema.safeParse(
      form({ setting: 'content_cache_retention_period', days: '90', from: 'default' }),
    );
    expect(unconfirmed.success).toBe(false);
    expect(unconfirmed.error?.issues[0]?.path).toEqual(['understood']);
    expect(
      changeRetentionSchema.safeParse(
        form({ setting: 'content_cache_retention_period', days: '90', from: 'default', understood: 'on' }),
      ).success,
    ).toBe(true);
  });

  it('refuses no days, 0, fractions, more than ten years, other settings and odd "from" values', () => {
    const bad: Record<string, string>[] = [
      { setting: 'media_cache_retention_period', from: 'default' },
      { setting: 'media_cache_retention_period', days: '0', from: 'default' },
      { setting: 'media_cache_retention_period', days: '1.5', from: 'default' },
      { setting: 'media_cache_retention_period', days: '3651', from: 'default' },
      { setting: 'media_cache_retention_period', days: 'x', from: 'default' },
      { setting: 'registrations_mode', days: '14', from: 'default' },
      { setting: 'media_cache_retention_period', days: '14', from: 'open' },
    ];
    for (const fields of bad) expect(changeRetentionSchema.safeParse(form(fields)).success).toBe(false);
  });
});
