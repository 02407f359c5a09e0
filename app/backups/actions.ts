'use server';

import { actionCall, runAdminJob } from '@/lib/actions/admin-action';
import { backUpSpec } from '@/lib/actions/back-up-now';

/** "Back up now": starts the backup job and answers with its id; progress follows on the event stream's jobs topic. */
export async function backUpNowAction(first: unknown, form?: FormData) {
  // Whatever the browser sends, a click is a manual backup: only the launcher's schedule says otherwise.
  const call = actionCall(first, form, () => ({}));
  return runAdminJob(backUpSpec, { ...call, input: { trigger: 'manual' } });
}
