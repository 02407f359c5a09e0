'use client';

import './globals.css';

/**
 * What shows when the root layout itself failed (it reads the session store), in place of that layout.
 * As in app/error.tsx, only the digest is shown: the message and stack stay in the server's log.
 */
export default function GlobalError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="page">
          <section className="panel" data-testid="global-error">
            <div className="error-box" role="alert">
              <strong className="error-title">The dashboard could not show this page</strong>
              <p>
                The server failed before the page could be prepared. The reason is in the dashboard&apos;s log
                {error.digest ? (
                  <>
                    {' '}
                    under the digest{' '}
                    <code className="mono" data-testid="error-digest">
                      {error.digest}
                    </code>
                  </>
                ) : null}
                .
              </p>
              <p className="error-fix">Fix: read that log entry (docker compose logs mastodash), then try again.</p>
            </div>
            <p>
              <button type="button" onClick={() => retry()} data-testid="error-retry">
                Try again
              </button>
            </p>
          </section>
        </main>
      </body>
    </html>
  );
}
