'use server';

import { actionCall, runAdminJob } from '@/lib/actions/admin-action';
import { backUpSpec } from '@/lib/actions/back-up-now';
import { confirmDownload, type ConfirmDownloadAnswer } from '@/lib/actions/confirm-download';

/** "Back up now": starts the backup job and answers with its id; progress follows on the event stream's jobs topic. */
export async function backUpNowAction(first: unknown, form?: FormData) {
  // Whatever the browser sends, a click is a manual backup: only the launcher's schedule says otherwise.
  const call = actionCall(first, form, () => ({}));
  return runAdminJob(backUpSpec, { ...call, input: { trigger: 'manual' } });
}

/** The password prompt before a backup download: answers with the download's address once the password is right. */
export async function confirmDownloadAction(
  _previous: ConfirmDownloadAnswer | null,
  form: FormData,
): Promise<ConfirmDownloadAnswer> {
  const field = (name: string) => (form instanceof FormData ? form.get(name) : null);
  return confirmDownload({ backup: field('backup'), file: field('file'), password: field('password') });
}
