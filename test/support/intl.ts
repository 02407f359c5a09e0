import { NextIntlClientProvider } from 'next-intl';
import { createElement, type ReactElement, type ReactNode } from 'react';

import { messagesFor } from '@/lib/i18n/catalog';
import type { Locale } from '@/lib/i18n/locales';

/**
 * A component inside the provider the layout gives it, with every message of the language and UTC, so that a unit
 * test can render it (renderToStaticMarkup) in English or German.
 */
export function withIntl(element: ReactNode, locale: Locale = 'en'): ReactElement {
  // next-intl's props type requires children among the props.
  // eslint-disable-next-line react/no-children-prop
  return createElement(NextIntlClientProvider, {
    locale,
    messages: messagesFor(locale),
    timeZone: 'UTC',
    children: element,
  });
}
