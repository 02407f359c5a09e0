import { NextIntlClientProvider } from 'next-intl';
import { createElement, type ReactNode } from 'react';

import { MESSAGES } from '@/lib/i18n/catalog';
import type { Locale } from '@/lib/i18n/locales';

/** A component as a request in `locale` renders it: next-intl's provider with every message of that language. */
export function inLocale(element: ReactNode, locale: Locale = 'en') {
  return createElement(NextIntlClientProvider, {
    locale,
    messages: MESSAGES[locale],
    timeZone: 'UTC',
    children: element,
  });
}
