'use server';

import { runAdminAction } from '@/lib/actions/admin-action';
import { changeRegistrationsSpec } from '@/lib/actions/change-registrations';
import type { ChangeRegistrationsInput } from '@/lib/validations/registrations';

export async function changeRegistrationsAction(input: ChangeRegistrationsInput) {
  return runAdminAction(changeRegistrationsSpec, input);
}
