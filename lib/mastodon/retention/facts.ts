/**
 * Mastodon's content retention settings (Administration → Server settings → Content retention) as data: what each
 * means, its default, and what a stored row does. Pure and free of server-only: the form's schema and the page's
 * component share it; settings.ts reads the rows. Read in the releases (glitch-soc/mastodon, which carries
 * mastodon/mastodon's tags):
 * - the keys: v4.3.17 app/models/form/admin_settings.rb `INTEGER_KEYS` (the same three in v4.4.0, v4.5.0, v4.6.5);
 * - the defaults: v4.3.17 config/settings.yml has only `backups_retention_period: 7` (also v4.4.0–v4.6.5); the
 *   other two have no default, so without a row they are nil;
 * - what applies: v4.3.17 app/models/content_retention_policy.rb, `value.days if value.is_a?(Integer) &&
 *   value.positive?`: nil, 0, a negative number or a string ('14') deletes nothing. Clearing the field in
 *   Mastodon's form stores an empty string (`typecast_value`: `value.blank? ? value : Integer(value)`), which turns
 *   even the archives' 7-day default off, because a row, any row, wins over settings.yml;
 * - who deletes: v4.3.17 app/workers/scheduler/vacuum_scheduler.rb, daily: statuses_vacuum (content),
 *   media_attachments_vacuum and preview_cards_vacuum (media), backups_vacuum (archives);
 * - the meaning in words: v4.3.17 config/locales/simple_form.en.yml, hints.form_admin_settings.
 */

export const RETENTION_VARS = [
  'media_cache_retention_period',
  'content_cache_retention_period',
  'backups_retention_period',
] as const;
export type RetentionVar = (typeof RETENTION_VARS)[number];

/** The longest period the page lets one set: ten years (Mastodon's own form takes any whole number). */
export const RETENTION_MAX_DAYS = 3650;

export interface RetentionFacts {
  /** The label of Mastodon's own form (simple_form.en.yml labels.form_admin_settings). */
  label: string;
  /** What it deletes, from the form's hint. */
  meaning: string;
  /** settings.yml's value, used while no row is stored; undefined: none (nothing is deleted). */
  defaultDays?: number;
  /** The value the page offers to set in one click; undefined: none is preselected (content: it deletes posts). */
  suggestedDays?: number;
  /** Mastodon puts it under "Danger zone" (en.yml admin.settings.content_retention.danger_zone). */
  danger: boolean;
}

export const RETENTION_FACTS: Record<RetentionVar, RetentionFacts> = {
  media_cache_retention_period: {
    label: 'Media cache retention period',
    meaning:
      'Media files from posts made by remote users are cached on your server. When set to a positive value, ' +
      'media will be deleted after the specified number of days. If the media data is requested after it is ' +
      'deleted, it will be re-downloaded, if the source content is still available. Due to restrictions on how ' +
      'often link preview cards poll third-party sites, it is recommended to set this value to at least 14 days, ' +
      'or link preview cards will not be updated on demand before that time.',
    // The hint's own lower bound.
    suggestedDays: 14,
    danger: false,
  },
  content_cache_retention_period: {
    label: 'Remote content retention period',
    meaning:
      'All posts from other servers (including boosts and replies) will be deleted after the specified number ' +
      'of days, without regard to any local user interaction with those posts. This includes posts where a ' +
      'local user has marked it as bookmarks or favorites. Private mentions between users from different ' +
      'instances will also be lost and impossible to restore. Use of this setting is intended for special ' +
      'purpose instances and breaks many user expectations when implemented for general purpose use.',
    danger: true,
  },
  backups_retention_period: {
    label: 'User archive retention period',
    meaning:
      'Users have the ability to generate archives of their posts to download later. When set to a positive ' +
      'value, these archives will be automatically deleted from your storage after the specified number of days.',
    defaultDays: 7,
    suggestedDays: 7,
    danger: false,
  },
};

export interface RetentionSetting {
  name: RetentionVar;
  source: 'stored' | 'default';
  /** The row's text as stored, when there is a row. */
  raw?: string;
  /** After how many days Mastodon deletes; undefined: never. */
  days?: number;
  /** A stored value Mastodon does not apply, described as found. */
  ignored?: string;
}

/**
 * How a state is named in a change's `from`: `default` (no row), `off` (a row Mastodon does not apply), or the days.
 * The server writes only when the stored state still has the name the page showed.
 */
export function retentionStateKey(setting: RetentionSetting): string {
  if (setting.source === 'default') return 'default';
  return setting.days === undefined ? 'off' : String(setting.days);
}
