import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

/** "Send a test message": which channel. Shared by the form and the server action. */
export const testAlertSchema = z
  .object({
    channel: z.enum(['email', 'webhook'], { error: encodeText(text('alerts.fields.channel')) }),
  })
  .strict();

export type TestAlertInput = z.infer<typeof testAlertSchema>;

export function testAlertFormInput(form: FormData): unknown {
  return { channel: form.get('channel') };
}
