import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

/**
 * Mastodon's three retention settings and the page's longest period, as lib/mastodon/retention/facts.ts names them
 * (validations imports nothing of lib/mastodon; test/unit/mastodon/retention.test.ts holds the two equal).
 */
export const RETENTION_SETTING_NAMES = [
  'media_cache_retention_period',
  'content_cache_retention_period',
  'backups_retention_period',
] as const;
export const RETENTION_DAYS_LIMIT = 3650;

/** Shared by the form and the server action. */
export const changeRetentionSchema = z
  .object({
    setting: z.enum(RETENTION_SETTING_NAMES, { error: encodeText(text('media.fields.reload')) }),
    days: z
      .number({ error: encodeText(text('media.fields.wholeDays')) })
      .int({ error: encodeText(text('media.fields.wholeDays')) })
      .min(1, { error: encodeText(text('media.fields.atLeastOneDay')) })
      .max(RETENTION_DAYS_LIMIT, { error: encodeText(text('media.fields.atMostDays', { max: RETENTION_DAYS_LIMIT })) }),
    /**
     * The state the page showed (`default`, `off` or the days, retentionStateKey): the server writes nothing when
     * the stored state differs, so the audit's "from" is the value really replaced.
     */
    from: z.string().regex(/^(?:default|off|\d{1,9})$/, { error: encodeText(text('media.fields.reload')) }),
    /** Required for the remote content period, which deletes other servers' posts for good. */
    understood: z.boolean().optional(),
  })
  .strict()
  .refine((input) => input.setting !== 'content_cache_retention_period' || input.understood === true, {
    path: ['understood'],
    error: encodeText(text('media.fields.understood')),
  });

export type ChangeRetentionInput = z.infer<typeof changeRetentionSchema>;

/** The form's fields as the schema's input: days as a number (an empty field stays missing), the checkbox a boolean. */
export function retentionFormInput(form: FormData): unknown {
  const days = form.get('days');
  return {
    setting: form.get('setting'),
    ...(typeof days === 'string' && days.trim() !== '' ? { days: Number(days) } : {}),
    from: form.get('from'),
    ...(form.get('setting') === 'content_cache_retention_period'
      ? { understood: form.get('understood') === 'on' }
      : {}),
  };
}
