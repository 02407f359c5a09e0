import 'server-only';

import { changeRetentionSetting, type ChangeRetentionResult } from '../mastodon/retention';
import { changeRetentionSchema } from '../validations/retention';
import type { AdminActionSpec } from './action-runner';

export const changeRetentionSpec: AdminActionSpec<typeof changeRetentionSchema, ChangeRetentionResult> = {
  action: 'settings.retention_changed',
  schema: changeRetentionSchema,
  // It makes Mastodon delete data daily (remote posts, for the content period): as weighty as registrations.
  recentLogin: true,
  // One site-wide row per setting: a change locks that setting.
  target: (input) => input.setting,
  auditParams: (input) => ({ setting: input.setting, from: input.from, to: input.days }),
  async run(input) {
    return changeRetentionSetting(input);
  },
};
