import type { ErrorView } from '@/lib/errors';

/** What a form's server action answers: an error for the form, errors per field, or done. */
export interface FormState {
  error?: ErrorView;
  fieldErrors?: Partial<Record<string, string[]>>;
  done?: boolean;
  /** Non-secret values to put back after React resets the form (never a password). */
  values?: Partial<Record<string, string>>;
}

export const EMPTY_FORM_STATE: FormState = {};
