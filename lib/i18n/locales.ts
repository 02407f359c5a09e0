/**
 * The languages the dashboard speaks. Pure, so that the browser's locale switch, the server's negotiation and the
 * alert mails all read the same list.
 */
export const LOCALES = ['en', 'de'] as const;

export type Locale = (typeof LOCALES)[number];

/** Used when neither the cookie nor the browser names a language we speak. */
export const FALLBACK_LOCALE: Locale = 'en';

/** Remembers the top bar's choice; it overrides the browser's Accept-Language. */
export const LOCALE_COOKIE = 'mastodash_locale';

/** Each language named in itself, as the switch shows it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The language we speak for a BCP 47 tag or a Mastodon locale code (`de`, `de-AT`, `en-GB`, `pt-BR`), or undefined
 * when we do not speak it. Mastodon's DEFAULT_LOCALE uses the same codes (config/application.rb, glitch-soc v4.3.17).
 */
export function localeOfTag(tag: string | undefined): Locale | undefined {
  const language = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(language) ? language : undefined;
}
