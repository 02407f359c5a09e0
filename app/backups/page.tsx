import { BackupsPanel } from '@/components/backups/backups-panel';
import { requireSession } from '@/lib/auth/guard';
import { readBackupsOverview } from '@/lib/backups/overview';

export const dynamic = 'force-dynamic';

export default async function BackupsPage() {
  await requireSession();
  return <BackupsPanel overview={await readBackupsOverview()} />;
}
