'use client';

import './globals.css';

import { FailedRender } from '@/components/ui/failed-render';

/** The root layout itself failed (it reads the session store): this replaces it, html and body included. */
export default function GlobalError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="page">
          <FailedRender
            title="The dashboard could not show this page"
            digest={error.digest}
            retry={retry}
            testId="global-error"
          />
        </main>
      </body>
    </html>
  );
}
