'use client';

/**
 * What app/error.tsx and app/global-error.tsx show when rendering failed. The message and stack are never
 * shown: a backend's error can carry a connection string or a password. The digest names the entry in the
 * server's log that has them.
 */
export function FailedRender({
  title,
  digest,
  retry,
  testId,
}: {
  title: string;
  digest?: string;
  retry: () => void;
  testId: string;
}) {
  return (
    <section className="panel" data-testid={testId}>
      <div className="error-box" role="alert">
        <strong className="error-title">{title}</strong>
        <p>
          The server failed while preparing it. The reason is in the dashboard&apos;s log
          {digest ? (
            <>
              {' '}
              under the digest{' '}
              <code className="mono" data-testid="error-digest">
                {digest}
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
  );
}
