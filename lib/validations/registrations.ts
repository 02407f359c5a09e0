import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

/** The three values Mastodon knows (Form::AdminSettings::REGISTRATION_MODES); "Closed" is stored as none. */
export const registrationModeSchema = z.enum(['open', 'approved', 'none'], {
  error: encodeText(text('registrations.fields.mode')),
});

/** Shared by the form and the server action. */
export const changeRegistrationsSchema = z
  .object({
    mode: registrationModeSchema,
    /** "Require a reason to join" (require_invite_text); written only together with approved. */
    requireReason: z.boolean({ error: encodeText(text('registrations.fields.requireReason')) }).optional(),
    /**
     * The mode the page showed ('default-unknown' when it could not tell). The server refuses the change
     * when the stored mode differs (changed meanwhile, e.g. by Mastodon's automatic switch), so the audit's
     * "from" is the value that was really replaced.
     */
    from: z
      .enum(['open', 'approved', 'none', 'unrecognised', 'unknown'], {
        error: encodeText(text('registrations.fields.from')),
      })
      .optional(),
  })
  .strict();

export type ChangeRegistrationsInput = z.infer<typeof changeRegistrationsSchema>;

/** The form's fields as the schema's input: a checkbox sends "on" or nothing, and counts only with approved. */
export function registrationsFormInput(form: FormData): unknown {
  const mode = form.get('mode');
  const from = form.get('from');
  return {
    mode,
    ...(mode === 'approved' ? { requireReason: form.get('requireReason') === 'on' } : {}),
    ...(from ? { from } : {}),
  };
}
