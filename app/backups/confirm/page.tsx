import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

import { ConfirmDownload } from '@/components/backups/confirm-download';
import { requireSession } from '@/lib/auth/guard';
import { backupFileHref, backupFileSchema } from '@/lib/validations/backups';

export const dynamic = 'force-dynamic';

/** The password prompt a backup download lands on when the login is not recent; it then starts the download. */
export default async function ConfirmDownloadPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requireSession();
  const t = await getTranslations('backups.confirm');
  const query = await searchParams;
  const target = backupFileSchema.safeParse({ backup: query.backup, file: query.file });
  return (
    <section className="panel" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{t('title')}</h1>
      {target.success ? (
        <ConfirmDownload
          backup={target.data.backup}
          file={target.data.file}
          href={backupFileHref(target.data)}
          recent={session.recentlyAuthenticated}
        />
      ) : (
        <p role="alert">{t.rich('noFile', { link: (chunks) => <Link href="/backups">{chunks}</Link> })}</p>
      )}
    </section>
  );
}
