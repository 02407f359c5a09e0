import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';

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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            <span aria-hidden="true" className="brand-mark">
              ◆
            </span>
            Mastodash
          </a>
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
