import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import type { ChannelView } from '@/lib/alerts';

import styles from './alerts.module.css';
import { TestMessageForm } from './test-message-form';

const code = (chunks: React.ReactNode) => <code>{chunks}</code>;

/** The configured channels with their settings (no password, the webhook URL masked), each with its test button. */
export function ChannelsSection({ channels, timeoutSeconds }: { channels: ChannelView[]; timeoutSeconds: number }) {
  const t = useTranslations('alerts.channels');
  return (
    <section aria-labelledby="alert-channels-title" data-testid="alert-channels">
      <h2 id="alert-channels-title">{t('title')}</h2>
      {channels.length === 0 ? (
        <p data-testid="alerts-not-configured">{t.rich('notConfigured', { code })}</p>
      ) : (
        <>
          <p className="muted small">{t('testNote', { seconds: timeoutSeconds })}</p>
          <div className={styles.channels}>
            {channels.map((channel) => (
              <article key={channel.kind} className={styles.channel} data-testid={`channel-${channel.kind}`}>
                <h3>
                  <TranslatedText text={channel.label} />
                </h3>
                <dl className="facts facts-rows">
                  {channel.facts.map((fact) => (
                    <div key={fact.id} data-fact={fact.id}>
                      <dt>
                        <TranslatedText text={fact.label} />
                      </dt>
                      <dd className="mono">
                        <TranslatedText text={fact.value} />
                      </dd>
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
