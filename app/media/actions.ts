'use server';

import { runAdminJob } from '@/lib/actions/admin-action';
import { fixMediaPermissionsSpec } from '@/lib/actions/fix-media-permissions';

/** Starts the ownership fix as a job; the answer carries its id, progress follows on the event stream's jobs topic. */
export async function fixMediaPermissionsAction(input: { container: string; path: string }) {
  return runAdminJob(fixMediaPermissionsSpec, input);
}
