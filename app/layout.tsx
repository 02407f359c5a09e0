import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getMessages, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';

import { logoutAction } from '@/app/login/actions';
import { LanguageSwitch } from '@/components/i18n/language-switch';
import { currentSession } from '@/lib/auth/guard';
import { clientMessages } from '@/lib/i18n/client-messages';

import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('common.metadata');
  return { title: 'Mastodash', description: t('description'), robots: { index: false, follow: false } };
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
};

const NAV_LINKS = [
  ['/', 'containers'],
  ['/graphs', 'graphs'],
  ['/logs', 'logs'],
  ['/accounts', 'accounts'],
  ['/media', 'media'],
  ['/registrations', 'registrations'],
  ['/backups', 'backups'],
  ['/alerts', 'alerts'],
  ['/audit', 'audit'],
] as const;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Only decides what the top bar shows; every page and action checks the session itself.
  const [session, locale, messages, t] = await Promise.all([
    currentSession(),
    getLocale(),
    getMessages(),
    getTranslations('common'),
  ]);
  return (
    <html lang={locale}>
      <body>
        <NextIntlClientProvider locale={locale} messages={clientMessages(messages)}>
          <header className="topbar">
            {/* No prefetch: the home page's panels would be read on every page just in case. */}
            <Link href="/" prefetch={false} className="brand">
              <span aria-hidden="true" className="brand-mark">
                ◆
              </span>
              Mastodash
            </Link>
            {session ? (
              <nav aria-label={t('nav.label')}>
                {NAV_LINKS.map(([href, key]) => (
                  <a key={href} href={href} className="topbar-link">
                    {t(`nav.${key}`)}
                  </a>
                ))}
                <form action={logoutAction}>
                  <button type="submit" className="secondary small-button" data-testid="logout">
                    {t('nav.logout')}
                  </button>
                </form>
              </nav>
            ) : null}
            <LanguageSwitch />
          </header>
          <main className="page">
            {session ? (
              <noscript>
                <p className="muted small" data-testid="noscript-note">
                  {t('noscript')}
                </p>
              </noscript>
            ) : null}
            {children}
          </main>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
