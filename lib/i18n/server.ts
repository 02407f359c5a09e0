/** The active language's tools for server components, route handlers and server actions. */
import 'server-only';

import { getLocale, getTranslations } from 'next-intl/server';

import { formatFor, type Format } from './format';
import type { Translate } from './text';

export async function getFormat(): Promise<Format> {
  return formatFor(await getLocale());
}

/** The root translator, for rendering lib's `Text` values (see lib/i18n/text.ts). */
export async function getTranslate(): Promise<Translate> {
  const t = await getTranslations();
  return (key, values) => t(key, values);
}
