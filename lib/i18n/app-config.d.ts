import type { Messages } from './catalog';
import type { Locale } from './locales';

// Makes every t('…') key and every locale typed: an unknown key or a German file missing one fails typecheck.
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
