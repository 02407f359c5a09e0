import 'server-only';

import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

import { MASTODON_MEDIA_PATHS } from '../mastodon/media-path';
import { fixMediaPermissions } from '../mastodon/media-permissions';
import type { MediaFixResult } from '../mastodon/media-verdict';
import type { AdminActionSpec } from './action-runner';

/**
 * The browser sends back what the page showed (container and path) only so that the lock and the audit
 * name the target, and so that nothing runs when the server now finds something else. The chown's
 * container, path and ids always come from the server's own diagnosis.
 */
export const fixMediaPermissionsSchema = z
  .object({
    container: z
      .string()
      .max(128)
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, encodeText(text('media.fields.container'))),
    path: z.enum(MASTODON_MEDIA_PATHS, { message: encodeText(text('media.fields.path')) }),
  })
  .strict();

export type FixMediaPermissionsInput = z.infer<typeof fixMediaPermissionsSchema>;

export const fixMediaPermissionsSpec: AdminActionSpec<typeof fixMediaPermissionsSchema, MediaFixResult> = {
  action: 'media.permissions_fixed',
  schema: fixMediaPermissionsSchema,
  recentLogin: true,
  target: (input) => `${input.container}:${input.path}`,
  // The owner before and after and the count of changed files are only known when the job ends: they are
  // in the job's result (jobs.audit_id links it); the audit API records params at the start only.
  auditParams: (input) => ({ container: input.container, path: input.path }),
  run: (input, { progress }) => fixMediaPermissions({ progress, expect: input }),
};
