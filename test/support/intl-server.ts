import { createTranslator } from 'use-intl/core';

import { messagesFor } from '@/lib/i18n/catalog';
import type { Locale } from '@/lib/i18n/locales';

/**
 * What `next-intl/server` answers inside a request, for unit tests that call a page or route handler directly
 * (no Next request scope there): `vi.mock('next-intl/server', () => intlServer('en'))`.
 */
export function intlServer(locale: Locale) {
  const translator = (namespace?: string) =>
    createTranslator({ locale, messages: messagesFor(locale), ...(namespace ? { namespace } : {}) } as Parameters<
      typeof createTranslator
    >[0]);
  return {
    getLocale: async () => locale,
    getMessages: async () => messagesFor(locale),
    getTranslations: async (options?: string | { namespace?: string }) =>
      translator(typeof options === 'string' ? options : options?.namespace),
  };
}
