'use client';

import Link from 'next/link';

/**
 * What a page shows when rendering it failed. The message and stack are never shown: a backend's error can
 * carry a connection string or a password. The digest names the entry in the server's log that has them.
 */
export default function PageError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <section className="panel" data-testid="page-error">
      <div className="error-box" role="alert">
        <strong className="error-title">This page could not be shown</strong>
        <p>
          The server failed while preparing it. The reason is in the dashboard&apos;s log
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
        </button>{' '}
        <Link href="/">Back to the containers</Link>
      </p>
    </section>
  );
}
