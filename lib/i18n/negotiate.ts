import 'server-only';

import { match } from '@formatjs/intl-localematcher';
import Negotiator from 'negotiator';

import { FALLBACK_LOCALE, isLocale, LOCALES, type Locale } from './locales';

/** The best language we speak for a browser's Accept-Language header (q-values honoured), else English. */
export function localeOfAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return FALLBACK_LOCALE;
  const requested = new Negotiator({ headers: { 'accept-language': header } })
    .languages()
    .filter((tag) => tag !== '*' && isValidTag(tag));
  if (requested.length === 0) return FALLBACK_LOCALE;
  const chosen = match(requested, LOCALES, FALLBACK_LOCALE);
  return isLocale(chosen) ? chosen : FALLBACK_LOCALE;
}

/** The cookie's choice wins over the browser's header; a cookie naming a language we do not speak is ignored. */
export function chooseLocale(cookieValue: string | undefined, acceptLanguage: string | null | undefined): Locale {
  return isLocale(cookieValue) ? cookieValue : localeOfAcceptLanguage(acceptLanguage);
}

function isValidTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
