'use server';

import { revalidatePath } from 'next/cache';

import { actionCall, runAdminAction } from '@/lib/actions/admin-action';
import { sendTestAlertSpec } from '@/lib/actions/send-test-alert';
import { testAlertFormInput } from '@/lib/validations/alerts';

/** Called with `{ channel }`, or from a channel's test form (previous state, FormData). */
export async function sendTestAlertAction(first: unknown, form?: FormData) {
  const result = await runAdminAction(sendTestAlertSpec, actionCall(first, form, testAlertFormInput));
  // The history below the form gains the delivery's audit row.
  revalidatePath('/alerts');
  return result;
}
