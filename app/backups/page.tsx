import { BackUpNowButton } from '@/components/backups/back-up-now-button';
import { requireSession } from '@/lib/auth/guard';

export const dynamic = 'force-dynamic';

export default async function BackupsPage() {
  await requireSession();
  return (
    <section className="panel backups" aria-labelledby="backups-title">
      <h1 id="backups-title">Backups</h1>
      <BackUpNowButton />
    </section>
  );
}
