/**
 * next-intl's per-request configuration (named in next.config.js): the language from the cookie the top bar's
 * switch sets, else the browser's Accept-Language, else English. No locale in the URL: the dashboard is one
 * admin's tool behind a tunnel, and its addresses stay the same in every language.
 */
import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';

import { messagesFor } from './catalog';
import { LOCALE_COOKIE } from './locales';
import { chooseLocale } from './negotiate';

export default getRequestConfig(async () => {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const locale = chooseLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerStore.get('accept-language'));
  return { locale, messages: messagesFor(locale) };
});
