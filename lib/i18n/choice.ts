import 'server-only';

import { LOCALE_COOKIE, type Locale } from './locales';

const ONE_YEAR_SECONDS = 365 * 86_400;

/**
 * The cookie that remembers the switch's choice. Not a secret and not a session: readable only by the server
 * (httpOnly) because nothing in the browser needs it, and Lax so that the choice survives opening the tunnel's URL
 * from another tab.
 */
export function languageCookie(locale: Locale, secure: boolean) {
  return {
    name: LOCALE_COOKIE,
    value: locale,
    options: { httpOnly: true, sameSite: 'lax' as const, path: '/', secure, maxAge: ONE_YEAR_SECONDS },
  };
}
