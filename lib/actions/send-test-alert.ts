import 'server-only';

import { inEnglish } from '../i18n/english';
import { sendTestMessageFor, type DeliveryOutcomeView } from '../alerts/overview';
import { testAlertSchema } from '../validations/alerts';
import type { AdminActionSpec } from './action-runner';

// The audit record's error stays English (data an admin greps), whatever the reader's language.

/**
 * The admin asks for a test message on one channel. This record (`alert.test`) says who asked and how it ended;
 * the delivery itself is the channel's `alert.sent` or `alert.failed` row, like every message the watcher sends,
 * so the Alerts page's history holds both. Sending changes nothing, so no recent login is asked for.
 */
export const sendTestAlertSpec: AdminActionSpec<typeof testAlertSchema, DeliveryOutcomeView> = {
  action: 'alert.test',
  schema: testAlertSchema,
  recentLogin: false,
  target: (input) => `alert channel ${input.channel}`,
  auditParams: (input) => ({ channel: input.channel }),
  run: (input, { actor }) => sendTestMessageFor(input.channel, { actor: actor.username, session: actor.sessionRef }),
  failureOf: (outcome) => (outcome.ok ? undefined : `${inEnglish(outcome.headline)} ${outcome.detail ?? ''}`.trim()),
};
