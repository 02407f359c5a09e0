import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import type { MetricsNotice, MetricsSourceView } from '@/lib/metrics/types';

/*
 * Where the numbers come from, and what to know about them: shared by the home page's headline and the
 * graphs page. Kept apart from the charts so that the home page does not load recharts.
 */

/** Why a line ends, which labels are missing, that numbers are live: said above the charts. */
export function Notices({ notices }: { notices: readonly MetricsNotice[] }) {
  if (notices.length === 0) return null;
  return (
    <ul className="notices" data-testid="metrics-notices">
      {notices.map((notice) => (
        <li key={JSON.stringify(notice.text)} className={`notice notice-${notice.level}`}>
          <TranslatedText text={notice.text} />
        </li>
      ))}
    </ul>
  );
}

export function SourceLine({ source }: { source: MetricsSourceView }) {
  const t = useTranslations('graphs.source');
  if (source.kind === 'influx') {
    return (
      <span className="source-line" data-testid="metrics-source" data-kind="influx">
        {t('influx', { version: source.version, language: source.language, database: source.database })}
      </span>
    );
  }
  return (
    <span className="source-line source-live" data-testid="metrics-source" data-kind="live">
      {t('live', { minutes: Math.round(source.windowMs / 60_000) })}
    </span>
  );
}
