'use server';

import { actionCall, runAdminJob } from '@/lib/actions/admin-action';
import { fixMediaPermissionsSpec } from '@/lib/actions/fix-media-permissions';

/** Starts the ownership fix as a job; the answer carries its id, progress follows on the event stream's jobs topic. */
export async function fixMediaPermissionsAction(first: unknown, form?: FormData) {
  return runAdminJob(
    fixMediaPermissionsSpec,
    actionCall(first, form, (fields) => ({ container: fields.get('container'), path: fields.get('path') })),
  );
}
