import type { ErrorView } from '@/lib/errors';

/** What a form's server action answers: an error for the form, errors per field, or done. */
export interface FormState {
  error?: ErrorView;
  fieldErrors?: Partial<Record<string, string[]>>;
  done?: boolean;
}

export const EMPTY_FORM_STATE: FormState = {};
