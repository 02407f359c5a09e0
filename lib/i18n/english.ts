/**
 * Texts rendered in English for the server's own log lines and `Error.message`, which stay English whatever the
 * reader's language (an admin greps them, and issue reports quote them).
 */
import { createTranslator } from 'use-intl/core';

import { messagesFor } from './catalog';
import { FALLBACK_LOCALE, type Locale } from './locales';
import { renderText, type Text, type Translate } from './text';

let english: Translate | undefined;

export function inEnglish(message: Text | string): string {
  english ??= translatorFor(FALLBACK_LOCALE);
  return renderText(english, message);
}

/** A translator outside a request (the alert watcher, the launcher): the language is given, not negotiated. */
export function translatorFor(locale: Locale): Translate {
  const t = createTranslator({ locale, messages: messagesFor(locale) });
  return (key, values) => t(key, values);
}
