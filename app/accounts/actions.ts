'use server';

import { actionCall, runAdminAction } from '@/lib/actions/admin-action';
import { createAccountSpec } from '@/lib/actions/create-account';
import type { ActionResult } from '@/lib/actions/result';
import type { CreatedAccount } from '@/lib/mastodon/accounts';
import { accountFormInput, type AccountFieldErrors } from '@/lib/validations/accounts';

/**
 * Called with the input object, or from the account form (previous state, FormData). The generated password
 * travels in this response only, once; nothing on the server keeps it.
 */
export async function createAccountAction(first: unknown, form?: FormData): Promise<ActionResult<CreatedAccount>> {
  let rejected: AccountFieldErrors | undefined;
  const result = await runAdminAction(
    createAccountSpec((fieldErrors) => (rejected = fieldErrors)),
    actionCall(first, form, accountFormInput),
  );
  return !result.ok && rejected ? { ...result, fieldErrors: rejected } : result;
}
