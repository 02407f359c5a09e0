import { useTranslations } from 'next-intl';

import { decodeText, renderText, type Text } from '@/lib/i18n/text';

/** The message next to a form field, in the reader's language (zod messages are encoded Texts; see encodeText). */
export function FieldError({ errors }: { errors?: ReadonlyArray<string | Text> }) {
  const t = useTranslations();
  if (!errors?.length) return null;
  return (
    <span className="field-error" role="alert">
      {errors.map((error) => renderText(t, typeof error === 'string' ? decodeText(error) : error)).join(' ')}
    </span>
  );
}
