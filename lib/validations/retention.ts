import { z } from 'zod';

import { RETENTION_MAX_DAYS, RETENTION_VARS } from '../mastodon/retention/facts';

/** Shared by the form and the server action. */
export const changeRetentionSchema = z
  .object({
    setting: z.enum(RETENTION_VARS, { error: 'Reload the page and try again' }),
    days: z
      .number({ error: 'Enter a whole number of days' })
      .int({ error: 'Enter a whole number of days' })
      .min(1, { error: 'At least 1 day' })
      .max(RETENTION_MAX_DAYS, { error: `At most ${RETENTION_MAX_DAYS} days` }),
    /**
     * The state the page showed (`default`, `off` or the days, retentionStateKey): the server writes nothing when
     * the stored state differs, so the audit's "from" is the value really replaced.
     */
    from: z.string().regex(/^(?:default|off|\d{1,9})$/, { error: 'Reload the page and try again' }),
    /** Required for the remote content period, which deletes other servers' posts for good. */
    understood: z.boolean().optional(),
  })
  .strict()
  .refine((input) => input.setting !== 'content_cache_retention_period' || input.understood === true, {
    path: ['understood'],
    error: 'Confirm that remote posts will be deleted, bookmarks and favourites included',
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
