'use server';

import { runAdminJob } from '@/lib/actions/admin-action';
import { restartContainerSpec, restartMastodonSpec } from '@/lib/actions/restart-container';

export async function restartContainerAction(input: { container: string }) {
  return runAdminJob(restartContainerSpec, input);
}

export async function restartMastodonAction() {
  return runAdminJob(restartMastodonSpec, {});
}
