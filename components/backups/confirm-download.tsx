'use client';

import Link from 'next/link';
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
  const [answer, submit, pending] = useActionState(confirmDownloadAction, null);
  const confirmed = answer?.ok ? answer.href : undefined;
  useEffect(() => {
    if (confirmed) window.location.assign(confirmed);
  }, [confirmed]);
  if (confirmed || recent) {
    return (
      <div data-testid="download-ready">
        <p>
          {confirmed ? 'Password confirmed. The download starts; if it does not, use the link: ' : ''}
          <a href={confirmed ?? href} data-testid="download-link">
            Download {file} of {backup}
          </a>
        </p>
        <p className="small">
          <Link href="/backups">Back to Backups</Link>
        </p>
      </div>
    );
  }
  return (
    <form action={submit} className="form" data-testid="download-confirm">
      <p>
        <strong>{file}</strong> of the backup <code>{backup}</code> holds{' '}
        {file === 'env.production' ? 'every secret of the instance' : 'data of every account of the instance'}. Enter
        your password to download it.
      </p>
      <input type="hidden" name="backup" value={backup} />
      <input type="hidden" name="file" value={file} />
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" autoFocus required maxLength={1024} />
        <FieldError
          errors={answer && !answer.ok ? (answer.fieldErrors?.password ?? [answer.error.title]) : undefined}
        />
      </label>
      <div className="dialog-buttons">
        <Link href="/backups">Cancel</Link>
        <button type="submit" disabled={pending} data-testid="download-confirm-submit">
          {pending ? 'Checking…' : 'Confirm and download'}
        </button>
      </div>
    </form>
  );
}
