'use client';

import { useTranslations } from 'next-intl';

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
  const t = useTranslations('common.failed');
  return (
    <section className="panel" data-testid={testId}>
      <div className="error-box" role="alert">
        <strong className="error-title">{title}</strong>
        <p>
          {digest
            ? t.rich('bodyDigest', {
                digest,
                code: (chunks) => (
                  <code className="mono" data-testid="error-digest">
                    {chunks}
                  </code>
                ),
              })
            : t('body')}
        </p>
        <p className="error-fix">{t('fix')}</p>
      </div>
      <p>
        <button type="button" onClick={() => retry()} data-testid="error-retry">
          {t('retry')}
        </button>
      </p>
    </section>
  );
}
