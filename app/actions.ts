'use server';

import { actionCall, runAdminJob } from '@/lib/actions/admin-action';
import { restartContainerSpec, restartMastodonSpec } from '@/lib/actions/restart-container';

/** Called with `{ container }`, or from the restart form (previous state, FormData). */
export async function restartContainerAction(first: unknown, form?: FormData) {
  return runAdminJob(
    restartContainerSpec,
    actionCall(first, form, (fields) => ({ container: fields.get('container') })),
  );
}

export async function restartMastodonAction(first?: unknown, form?: FormData) {
  return runAdminJob(
    restartMastodonSpec,
    actionCall(first ?? {}, form, () => ({})),
  );
}
