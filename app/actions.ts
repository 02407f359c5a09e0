'use server';

import { runAdminAction } from '@/lib/actions/admin-action';
import { restartContainerSpec } from '@/lib/actions/restart-container';

export async function restartContainerAction(input: { container: string }) {
  return runAdminAction(restartContainerSpec, input);
}
