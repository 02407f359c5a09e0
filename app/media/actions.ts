'use server';

import { actionCall, runAdminAction, runAdminJob } from '@/lib/actions/admin-action';
import { changeRetentionSpec } from '@/lib/actions/change-retention';
import { fixMediaPermissionsSpec } from '@/lib/actions/fix-media-permissions';
import { retentionFormInput } from '@/lib/validations/retention';
import { runCleanupSpec } from '@/lib/actions/run-cleanup';
import { cleanupFormInput } from '@/lib/validations/cleanup';

/** Starts the ownership fix as a job; the answer carries its id, progress follows on the event stream's jobs topic. */
export async function fixMediaPermissionsAction(first: unknown, form?: FormData) {
  return runAdminJob(
    fixMediaPermissionsSpec,
    actionCall(first, form, (fields) => ({ container: fields.get('container'), path: fields.get('path') })),
  );
}

/** Stores one of Mastodon's content retention periods (the settings row, then its cached copy deleted). */
export async function changeRetentionAction(first: unknown, form?: FormData) {
  return runAdminAction(changeRetentionSpec, actionCall(first, form, retentionFormInput));
}

/** Starts a cleanup job (or its dry run); one at a time across all of them. */
export async function runCleanupAction(first: unknown, form?: FormData) {
  return runAdminJob(runCleanupSpec, actionCall(first, form, cleanupFormInput));
}
