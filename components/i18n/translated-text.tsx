import { useTranslations } from 'next-intl';

import { renderText, type Text } from '@/lib/i18n/text';

/** A Text from lib/ (or a legacy English string) in the reader's language; works in server and client components. */
export function TranslatedText({ text }: { text: Text | string }) {
  const t = useTranslations();
  return renderText(t, text);
}
