import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { logoutAction } from '@/app/login/actions';
import { currentSession } from '@/lib/auth/guard';

import './globals.css';

export const metadata: Metadata = {
  title: 'Mastodash',
  description: 'The dashboard for a small Mastodon run with Docker Compose.',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
};

const NAV_LINKS = [
  ['/', 'Containers'],
  ['/graphs', 'Graphs'],
  ['/logs', 'Logs'],
  ['/accounts', 'Accounts'],
  ['/media', 'Media'],
  ['/registrations', 'Registrations'],
  ['/backups', 'Backups'],
  ['/alerts', 'Alerts'],
  ['/audit', 'Audit log'],
] as const;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Only decides what the top bar shows; every page and action checks the session itself.
  const session = await currentSession();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          {/* No prefetch: the home page's panels would be read on every page just in case. */}
          <Link href="/" prefetch={false} className="brand">
            <span aria-hidden="true" className="brand-mark">
              ◆
            </span>
            Mastodash
          </Link>
          {session ? (
            <nav aria-label="Main">
              {NAV_LINKS.map(([href, label]) => (
                <a key={href} href={href} className="topbar-link">
                  {label}
                </a>
              ))}
              <form action={logoutAction}>
                <button type="submit" className="secondary small-button" data-testid="logout">
                  Log out
                </button>
              </form>
            </nav>
          ) : null}
        </header>
        <main className="page">
          {session ? (
            <noscript>
              <p className="muted small" data-testid="noscript-note">
                JavaScript is off. Logging in and out, restarts, creating accounts, the ownership fix, the registration
                mode, the test message on the Alerts page and the audit filter work as plain forms; live updates, the
                panels that load after the page, the graphs and the log follow need JavaScript (reload the page to see
                the present).
              </p>
            </noscript>
          ) : null}
          {children}
        </main>
      </body>
    </html>
  );
}
