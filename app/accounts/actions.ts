'use server';

import { runAdminAction } from '@/lib/actions/admin-action';
import { createAccountSpec } from '@/lib/actions/create-account';
import type { ActionResult } from '@/lib/actions/result';
import type { CreatedAccount } from '@/lib/mastodon/accounts';
import type { AccountFieldErrors } from '@/lib/validations/accounts';

/** The generated password travels in this response only, once; nothing on the server keeps it. */
export async function createAccountAction(input: unknown): Promise<ActionResult<CreatedAccount>> {
  let rejected: AccountFieldErrors | undefined;
  const result = await runAdminAction(
    createAccountSpec((fieldErrors) => (rejected = fieldErrors)),
    input,
  );
  return !result.ok && rejected ? { ...result, fieldErrors: rejected } : result;
}
