'use server';

import { actionCall, runAdminAction } from '@/lib/actions/admin-action';
import { changeRegistrationsSpec } from '@/lib/actions/change-registrations';
import { registrationsFormInput } from '@/lib/validations/registrations';

export async function changeRegistrationsAction(first: unknown, form?: FormData) {
  return runAdminAction(changeRegistrationsSpec, actionCall(first, form, registrationsFormInput));
}
