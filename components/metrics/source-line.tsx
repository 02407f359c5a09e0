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
        <li key={notice.text} className={`notice notice-${notice.level}`}>
          {notice.text}
        </li>
      ))}
    </ul>
  );
}

export function SourceLine({ source }: { source: MetricsSourceView }) {
  if (source.kind === 'influx') {
    return (
      <span className="source-line" data-testid="metrics-source" data-kind="influx">
        {`InfluxDB ${source.version} · ${source.language === 'flux' ? 'Flux, bucket' : 'InfluxQL, database'}` +
          ` “${source.database}”`}
      </span>
    );
  }
  return (
    <span className="source-line source-live" data-testid="metrics-source" data-kind="live">
      {`Live numbers from Docker, not stored: the last` +
        ` ${Math.round(source.windowMs / 60_000)} minutes, only while a page is open`}
    </span>
  );
}
