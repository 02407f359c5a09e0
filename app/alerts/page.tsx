import { AlertHistory } from '@/components/alerts/alert-history';
import { ChannelsSection } from '@/components/alerts/channels-section';
import { OpenProblems } from '@/components/alerts/open-problems';
import { readAlertsOverview } from '@/lib/alerts/overview';
import { requireSession } from '@/lib/auth/guard';

export const dynamic = 'force-dynamic';

export default async function AlertsPage() {
  await requireSession();
  const overview = readAlertsOverview();
  return (
    <section className="panel alerts" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <p className="muted small">
        Messages about critical and warning problems while no page is open: by e-mail through Mastodon&apos;s SMTP
        server, or to a webhook (ntfy, Gotify, a chat bridge).
      </p>
      <ChannelsSection channels={overview.channels} timeoutSeconds={overview.timeoutSeconds} />
      <OpenProblems overview={overview} />
      <AlertHistory overview={overview} />
    </section>
  );
}
