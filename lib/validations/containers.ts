import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

/** A container is named by its Docker name or id; it must still be one of the project's own (checked server-side). */
export const containerRefSchema = z
  .string()
  .trim()
  .min(1, encodeText(text('containers.fields.required')))
  .max(128, encodeText(text('containers.fields.tooLong', { max: 128 })))
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, encodeText(text('containers.fields.pattern')));

export const restartContainerSchema = z.object({ container: containerRefSchema }).strict();

export const restartMastodonSchema = z.object({}).strict();
