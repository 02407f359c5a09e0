import type { ChannelView } from '@/lib/alerts';

import styles from './alerts.module.css';
import { TestMessageForm } from './test-message-form';

function SmtpKeys() {
  return (
    <>
      <code>SMTP_*</code> keys of its <code>.env.production</code>
    </>
  );
}

/** The configured channels with their settings (no password, the webhook URL masked), each with its test button. */
export function ChannelsSection({ channels, timeoutSeconds }: { channels: ChannelView[]; timeoutSeconds: number }) {
  return (
    <section aria-labelledby="alert-channels-title" data-testid="alert-channels">
      <h2 id="alert-channels-title">Channels</h2>
      {channels.length === 0 ? (
        <p data-testid="alerts-not-configured">
          No channel is configured, so nothing runs in the background. To be told while no page is open, set{' '}
          <code>ALERT_EMAIL_TO</code> (e-mail through Mastodon&apos;s own SMTP server, with the <SmtpKeys />) or{' '}
          <code>ALERT_WEBHOOK_URL</code> (with <code>ALERT_WEBHOOK_FORMAT</code> <code>json</code> or <code>ntfy</code>
          ), then restart the dashboard.
        </p>
      ) : (
        <>
          <p className="muted small">
            A test message is one attempt, without retries, bounded by ALERT_TIMEOUT_SECONDS ({timeoutSeconds} s). It is
            audited like every alert.
          </p>
          <div className={styles.channels}>
            {channels.map((channel) => (
              <article key={channel.kind} className={styles.channel} data-testid={`channel-${channel.kind}`}>
                <h3>{channel.label}</h3>
                <dl className="facts facts-rows">
                  {channel.facts.map((fact) => (
                    <div key={fact.label}>
                      <dt>{fact.label}</dt>
                      <dd className="mono">{fact.value}</dd>
                    </div>
                  ))}
                </dl>
                <TestMessageForm channel={channel.kind} />
              </article>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
