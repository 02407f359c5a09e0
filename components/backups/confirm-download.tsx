'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useActionState, useEffect } from 'react';

import { confirmDownloadAction } from '@/app/backups/actions';
import { FieldError } from '@/components/ui/field-error';

/**
 * Asks for the password before a backup file is downloaded, then starts the download (a plain form post works too:
 * the answer page then carries the link).
 */
export function ConfirmDownload({
  backup,
  file,
  href,
  recent,
}: {
  backup: string;
  file: string;
  href: string;
  recent: boolean;
}) {
  const t = useTranslations('backups.confirm');
  const [answer, submit, pending] = useActionState(confirmDownloadAction, null);
  const confirmed = answer?.ok ? answer.href : undefined;
  useEffect(() => {
    if (confirmed) window.location.assign(confirmed);
  }, [confirmed]);
  if (confirmed || recent) {
    return (
      <div data-testid="download-ready">
        <p>
          {confirmed ? `${t('confirmed')} ` : ''}
          <a href={confirmed ?? href} data-testid="download-link">
            {t('link', { file, backup })}
          </a>
        </p>
        <p className="small">
          <Link href="/backups">{t('back')}</Link>
        </p>
      </div>
    );
  }
  return (
    <form action={submit} className="form" data-testid="download-confirm">
      <p>
        {t.rich('holds', {
          file,
          backup,
          kind: file === 'env.production' ? 'env' : 'data',
          strong: (chunks) => <strong>{chunks}</strong>,
          code: (chunks) => <code>{chunks}</code>,
        })}
      </p>
      <input type="hidden" name="backup" value={backup} />
      <input type="hidden" name="file" value={file} />
      <label>
        {t('password')}
        <input name="password" type="password" autoComplete="current-password" autoFocus required maxLength={1024} />
        <FieldError
          errors={answer && !answer.ok ? (answer.fieldErrors?.password ?? [answer.error.title]) : undefined}
        />
      </label>
      <div className="dialog-buttons">
        <Link href="/backups">{t('cancel')}</Link>
        <button type="submit" disabled={pending} data-testid="download-confirm-submit">
          {pending ? t('checking') : t('submit')}
        </button>
      </div>
    </form>
  );
}
