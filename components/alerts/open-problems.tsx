import { formatAuditTime } from '@/components/audit/format';
import { SEVERITY_BADGE } from '@/components/attention/severity';
import { formatDuration } from '@/components/containers/format';
import { Badge } from '@/components/ui/badge';
import type { AlertsOverview } from '@/lib/alerts/overview';

import styles from './alerts.module.css';

function WatcherState({ configured, watcher }: { configured: boolean; watcher: AlertsOverview['watcher'] }) {
  if (!configured) {
    return (
      <p data-testid="watcher-off">
        The watcher does not run: no channel is configured. &ldquo;Needs attention&rdquo; on the home page still shows
        what is wrong while you look.
      </p>
    );
  }
  if (!watcher.running) {
    return (
      <p data-testid="watcher-not-running">
        The watcher is not running in this process: <code>npm start</code> starts it at launch when a channel is
        configured (<code>next dev</code> does not).
      </p>
    );
  }
  return (
    <p className="muted small" data-testid="watcher-on">
      The watcher checks every {formatDuration(watcher.intervalSeconds * 1000)}; a problem that holds{' '}
      {formatDuration(watcher.afterSeconds * 1000)} sends a message, its end a recovery
      {watcher.repeatHours > 0 ? `, and a reminder at most every ${watcher.repeatHours} h while it stays` : ''}.
    </p>
  );
}

/** The problems the watcher has announced and that have not recovered. */
export function OpenProblems({ overview }: { overview: AlertsOverview }) {
  const configured = overview.channels.length > 0;
  return (
    <section aria-labelledby="alert-problems-title" data-testid="alert-problems">
      <h2 id="alert-problems-title">Open problems</h2>
      <WatcherState configured={configured} watcher={overview.watcher} />
      {configured && overview.watcher.running ? (
        overview.problems.length === 0 ? (
          <p className="empty" data-testid="no-open-problems">
            None: no announced problem is still going on.
          </p>
        ) : (
          <ul className={styles.list}>
            {overview.problems.map((problem) => (
              <li key={problem.id} className={styles.item} data-testid="open-problem" data-problem={problem.id}>
                <Badge tone={SEVERITY_BADGE[problem.severity].tone}>{SEVERITY_BADGE[problem.severity].word}</Badge>{' '}
                <strong>{problem.title}</strong>{' '}
                <span className="muted small">since {formatAuditTime(problem.since.toISOString())}</span>
                <div className="muted small">{problem.evidence}</div>
                {problem.fix ? <div className="small">Fix: {problem.fix}</div> : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
