import { NextIntlClientProvider } from 'next-intl';
import { createElement, type ReactElement } from 'react';

import { MESSAGES } from '@/lib/i18n/catalog';
import type { Locale } from '@/lib/i18n/locales';

/** A component as a page renders it: inside next-intl's provider, with every message of the language. */
export function withIntl(element: ReactElement, locale: Locale = 'en'): ReactElement {
  // next-intl's props type requires children among the props.
  // eslint-disable-next-line react/no-children-prop
  return createElement(NextIntlClientProvider, {
    locale,
    messages: MESSAGES[locale],
    timeZone: 'UTC',
    children: element,
  });
}
