'use client';

import './globals.css';

import { NextIntlClientProvider, useTranslations } from 'next-intl';
import { useSyncExternalStore } from 'react';

import { FailedRender } from '@/components/ui/failed-render';
import { FALLBACK_LOCALE, isLocale, LOCALE_COOKIE, localeOfTag, type Locale } from '@/lib/i18n/locales';
import commonDe from '@/messages/de/common.json';
import commonEn from '@/messages/en/common.json';

/** Only the words of this page: the root layout (and its messages) is what failed. */
const MESSAGES: Record<Locale, { common: { failed: typeof commonEn.failed } }> = {
  en: { common: { failed: commonEn.failed } },
  de: { common: { failed: commonDe.failed } },
};

const subscribeToNothing = () => () => undefined;

/** The cookie's choice, else the browser's first language we speak: what the layout would have negotiated. */
function browserLocale(): Locale {
  const cookie = document.cookie
    .split('; ')
    .find((entry) => entry.startsWith(`${LOCALE_COOKIE}=`))
    ?.slice(LOCALE_COOKIE.length + 1);
  if (isLocale(cookie)) return cookie;
  for (const tag of navigator.languages) {
    const locale = localeOfTag(tag);
    if (locale) return locale;
  }
  return FALLBACK_LOCALE;
}

function GlobalFailure({ digest, retry }: { digest?: string; retry: () => void }) {
  const t = useTranslations('common.failed');
  return <FailedRender title={t('globalTitle')} digest={digest} retry={retry} testId="global-error" />;
}

/** The root layout itself failed (it reads the session store): this replaces it, html and body included. */
export default function GlobalError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const locale = useSyncExternalStore(subscribeToNothing, browserLocale, () => FALLBACK_LOCALE);
  return (
    <html lang={locale}>
      <body>
        <main className="page">
          <NextIntlClientProvider locale={locale} messages={MESSAGES[locale]}>
            <GlobalFailure digest={error.digest} retry={retry} />
          </NextIntlClientProvider>
        </main>
      </body>
    </html>
  );
}
