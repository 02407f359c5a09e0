import { useLocale, useTranslations } from 'next-intl';

import { formatAuditTime } from '@/components/audit/format';
import { SEVERITY_BADGE } from '@/components/attention/severity';
import { TranslatedText } from '@/components/i18n/translated-text';
import { Badge } from '@/components/ui/badge';
import type { AlertsOverview } from '@/lib/alerts/overview';
import { formatFor } from '@/lib/i18n/format';
import { renderText } from '@/lib/i18n/text';

import styles from './alerts.module.css';

const code = (chunks: React.ReactNode) => <code>{chunks}</code>;

function WatcherState({ configured, watcher }: { configured: boolean; watcher: AlertsOverview['watcher'] }) {
  const t = useTranslations('alerts.problems');
  const format = formatFor(useLocale());
  if (!configured) {
    return <p data-testid="watcher-off">{t('watcherOff')}</p>;
  }
  if (!watcher.running) {
    return <p data-testid="watcher-not-running">{t.rich('watcherNotRunning', { code })}</p>;
  }
  return (
    <p className="muted small" data-testid="watcher-on">
      {t('watcherOn', {
        interval: format.duration(watcher.intervalSeconds * 1000),
        after: format.duration(watcher.afterSeconds * 1000),
        repeat: watcher.repeatHours > 0 ? format.number(watcher.repeatHours, 2) : 'none',
      })}
    </p>
  );
}

/** The problems the watcher has announced and that have not recovered. */
export function OpenProblems({ overview }: { overview: AlertsOverview }) {
  const t = useTranslations('alerts.problems');
  const translate = useTranslations();
  const configured = overview.channels.length > 0;
  return (
    <section aria-labelledby="alert-problems-title" data-testid="alert-problems">
      <h2 id="alert-problems-title">{t('title')}</h2>
      <WatcherState configured={configured} watcher={overview.watcher} />
      {configured && overview.watcher.running ? (
        overview.problems.length === 0 ? (
          <p className="empty" data-testid="no-open-problems">
            {t('none')}
          </p>
        ) : (
          <ul className={styles.list}>
            {overview.problems.map((problem) => (
              <li key={problem.id} className={styles.item} data-testid="open-problem" data-problem={problem.id}>
                <Badge tone={SEVERITY_BADGE[problem.severity].tone}>{t(`severity.${problem.severity}`)}</Badge>{' '}
                <strong>
                  <TranslatedText text={problem.title} />
                </strong>{' '}
                <span className="muted small">{t('since', { at: formatAuditTime(problem.since.toISOString()) })}</span>
                <div className="muted small">
                  <TranslatedText text={problem.evidence} />
                </div>
                {problem.fix ? (
                  <div className="small">{t('fix', { fix: renderText(translate, problem.fix) })}</div>
                ) : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
