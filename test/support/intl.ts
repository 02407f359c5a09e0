import { NextIntlClientProvider } from 'next-intl';
import { createElement, type ReactElement } from 'react';

import { MESSAGES } from '@/lib/i18n/catalog';
import type { Locale } from '@/lib/i18n/locales';

/** A component inside the provider the layout gives it, so that a unit test can render it in English or German. */
export function withIntl(element: ReactElement, locale: Locale = 'en'): ReactElement {
  return createElement(NextIntlClientProvider, {
    locale,
    messages: MESSAGES[locale],
    timeZone: 'UTC',
    children: element,
  });
}
