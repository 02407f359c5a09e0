/** The message next to a form field. */
export function FieldError({ errors }: { errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <span className="field-error" role="alert">
      {errors.join(' ')}
    </span>
  );
}
