import { z } from 'zod';

/** A container is named by its Docker name or id; it must still be one of the project's own (checked server-side). */
export const containerRefSchema = z
  .string()
  .trim()
  .min(1, 'Choose a container')
  .max(128, 'A container name has at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'Not a container name: letters, digits, ., _ and - only, not starting with -');

export const restartContainerSchema = z.object({ container: containerRefSchema }).strict();

export const restartMastodonSchema = z.object({}).strict();
