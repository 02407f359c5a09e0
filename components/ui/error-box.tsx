import { useTranslations } from 'next-intl';

import type { ErrorView } from '@/lib/errors';
import { renderText } from '@/lib/i18n/text';

/** How every panel says what is wrong: the fault, the cause, and what to do about it. */
export function ErrorBox({ error, note, testId }: { error: ErrorView; note?: string; testId?: string }) {
  const t = useTranslations();
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <strong className="error-title">{renderText(t, error.title)}</strong>
      <p>{renderText(t, error.detail)}</p>
      {error.fix ? <p className="error-fix">{t('errors.fixLabel', { fix: renderText(t, error.fix) })}</p> : null}
      {note ? <p className="muted">{note}</p> : null}
    </div>
  );
}
