import 'server-only';

import {
  changeRegistrationMode,
  readRegistrationSettings,
  type ChangeRegistrationsResult,
} from '../mastodon/registrations';
import { changeRegistrationsSchema } from '../validations/registrations';
import type { AdminActionSpec } from './action-runner';

export const changeRegistrationsSpec: AdminActionSpec<typeof changeRegistrationsSchema, ChangeRegistrationsResult> = {
  action: 'registrations.changed',
  schema: changeRegistrationsSchema,
  recentLogin: true,
  // One site-wide setting: every change locks the same target.
  target: () => 'registrations_mode',
  auditParams: (input) => ({
    from: input.from ?? 'not given',
    to: input.mode,
    ...(input.requireReason === undefined ? {} : { requireReason: input.requireReason }),
  }),
  async run(input) {
    return changeRegistrationMode(input);
  },
};

export { readRegistrationSettings };
