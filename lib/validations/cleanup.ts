import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

/**
 * The "Free disk space" jobs' input, shared by the Media page's forms and the server action. Each job is one tootctl
 * command whose argv lib/mastodon/cleanup/commands.ts builds from this input alone. Days are whole numbers: the
 * dashboard sends `--days=N`, and a fraction of a day (which tootctl would take) is not worth a field.
 */

export const CLEANUP_JOBS = ['media-remove', 'preview-cards-remove', 'media-remove-orphans'] as const;
export type CleanupJobName = (typeof CLEANUP_JOBS)[number];

export const DAYS_MIN = 1;
export const DAYS_MAX = 3650;

/**
 * tootctl's own defaults, which the forms start from (`option :days, default: 7` in lib/mastodon/cli/media.rb,
 * `default: 180` in preview_cards.rb; glitch-soc/mastodon v4.3.17, unchanged from 4.0.2 to 4.5.15).
 */
export const DEFAULT_DAYS = { 'media-remove': 7, 'preview-cards-remove': 180 } as const;

/**
 * What `media remove` removes: cached remote media attachments (no option), remote avatars and headers
 * (--prune-profiles), or remote headers only (--remove-headers); tootctl refuses the two options together.
 */
export const MEDIA_REMOVE_TARGETS = ['attachments', 'avatars-and-headers', 'headers'] as const;
export type MediaRemoveTarget = (typeof MEDIA_REMOVE_TARGETS)[number];

const DAYS_MESSAGE = encodeText(text('media.fields.daysRange', { min: DAYS_MIN, max: DAYS_MAX }));
const days = z
  .number({ error: DAYS_MESSAGE })
  .int(DAYS_MESSAGE)
  .min(DAYS_MIN, DAYS_MESSAGE)
  .max(DAYS_MAX, DAYS_MESSAGE);
const dryRun = z.boolean({ error: encodeText(text('media.fields.dryRun')) });

export const cleanupSchema = z
  .discriminatedUnion(
    'job',
    [
      z
        .object({
          job: z.literal('media-remove'),
          days,
          remove: z.enum(MEDIA_REMOVE_TARGETS, { error: encodeText(text('media.fields.remove')) }),
          /** --include-follows: also accounts someone here follows or is followed by. */
          includeFollows: z.boolean({ error: encodeText(text('media.fields.checkbox')) }),
          dryRun,
        })
        .strict(),
      z.object({ job: z.literal('preview-cards-remove'), days, dryRun }).strict(),
      z.object({ job: z.literal('media-remove-orphans'), dryRun }).strict(),
    ],
    { error: encodeText(text('media.fields.job')) },
  )
  .superRefine((input, ctx) => {
    // tootctl's own rule (lib/mastodon/cli/media.rb): refused before it runs, so that the page can say it.
    if (input.job === 'media-remove' && input.includeFollows && input.remove === 'attachments') {
      ctx.addIssue({
        code: 'custom',
        path: ['includeFollows'],
        message: encodeText(text('media.fields.includeFollows')),
      });
    }
  });

export type CleanupInput = z.infer<typeof cleanupSchema>;

/** The form's fields as the schema's input: a checkbox sends "on" or nothing, the buttons dryRun "true"/"false". */
export function cleanupFormInput(form: FormData): unknown {
  const job = form.get('job');
  const daysField = form.get('days');
  const dryRunField = form.get('dryRun');
  return {
    job,
    ...(job === 'media-remove' || job === 'preview-cards-remove'
      ? { days: typeof daysField === 'string' && daysField.trim() !== '' ? Number(daysField) : daysField }
      : {}),
    ...(job === 'media-remove'
      ? { remove: form.get('remove'), includeFollows: form.get('includeFollows') === 'on' }
      : {}),
    dryRun: dryRunField === 'true' ? true : dryRunField === 'false' ? false : dryRunField,
  };
}
