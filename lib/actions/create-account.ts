import 'server-only';

import { AccountRejected, createAccount, type CreatedAccount } from '../mastodon/accounts';
import { createAccountSchema, type AccountFieldErrors } from '../validations/accounts';
import type { AdminActionSpec } from './action-runner';

export type CreateAccountSpec = AdminActionSpec<typeof createAccountSchema, CreatedAccount>;

/**
 * `tootctl accounts create` behind the guarded path. `onRejected` receives Mastodon's per-field errors
 * (taken, reserved, unknown role…), which runAdminAction's error view does not carry.
 *
 * The audit record keeps the email's domain only: the log is append-only, kept forever and copied to
 * journald, while the full address is personal data Mastodon already holds. The domain still shows which
 * address family was used; the username identifies the account. The password is never an input here and
 * the result (which holds it) is never given to the audit log.
 */
export function createAccountSpec(
  onRejected: (fieldErrors: AccountFieldErrors) => void = () => undefined,
): CreateAccountSpec {
  return {
    action: 'account.created',
    schema: createAccountSchema,
    recentLogin: true,
    target: (input) => input.username,
    auditParams: (input) => ({
      username: input.username,
      emailDomain: input.email.slice(input.email.lastIndexOf('@') + 1),
      role: input.role,
      confirmed: input.confirmed,
      approve: input.approve,
    }),
    async run(input) {
      try {
        return await createAccount(input);
      } catch (error) {
        if (error instanceof AccountRejected) onRejected(error.fieldErrors);
        throw error;
      }
    },
  };
}
