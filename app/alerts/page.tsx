import { getTranslations } from 'next-intl/server';

import { AlertHistory } from '@/components/alerts/alert-history';
import { ChannelsSection } from '@/components/alerts/channels-section';
import { OpenProblems } from '@/components/alerts/open-problems';
import { readAlertsOverview } from '@/lib/alerts/overview';
import { requireSession } from '@/lib/auth/guard';

export const dynamic = 'force-dynamic';

export default async function AlertsPage() {
  await requireSession();
  const t = await getTranslations('alerts.page');
  const overview = readAlertsOverview();
  return (
    <section className="panel alerts" aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('title')}</h1>
      <p className="muted small">{t('intro')}</p>
      <ChannelsSection channels={overview.channels} timeoutSeconds={overview.timeoutSeconds} />
      <OpenProblems overview={overview} />
      <AlertHistory overview={overview} />
    </section>
  );
}
