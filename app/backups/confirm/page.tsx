import Link from 'next/link';

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
  const query = await searchParams;
  const target = backupFileSchema.safeParse({ backup: query.backup, file: query.file });
  return (
    <section className="panel" aria-labelledby="confirm-title">
      <h1 id="confirm-title">Download a backup file</h1>
      {target.success ? (
        <ConfirmDownload
          backup={target.data.backup}
          file={target.data.file}
          href={backupFileHref(target.data)}
          recent={session.recentlyAuthenticated}
        />
      ) : (
        <p role="alert">
          This link names no backup file. Go back to <Link href="/backups">Backups</Link>.
        </p>
      )}
    </section>
  );
}
