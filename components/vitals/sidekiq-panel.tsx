'use client';

import { useState } from 'react';

import { RunningVersionText } from '@/components/mastodon/running-version';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import type { SidekiqHealthDiagnosis } from '@/lib/mastodon/sidekiq-health-check';
import type { SidekiqReport, SidekiqWarning } from '@/lib/mastodon/sidekiq';
import type { PanelResult } from '@/lib/panels/panel';
import type { SidekiqPanelData } from '@/lib/panels/sidekiq';

import { formatCount } from './format';
import { formatAge, formatLatency, isSlow, SLOW_LATENCY_SECONDS } from './sidekiq-format';
import styles from './sidekiq-panel.module.css';
import figures from './vitals.module.css';
import { TranslatedText } from '@/components/i18n/translated-text';

function CopyBlock({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Clipboard access needs a secure context (https or localhost through the SSH tunnel).
      setState('failed');
    }
  };
  return (
    <div className={styles.copyBlock}>
      <span className="muted small">{label}</span>
      <div className={styles.copyRow}>
        <pre className={`output-block ${styles.code}`} data-testid={testId}>
          {text}
        </pre>
        <button
          type="button"
          className="small-button"
          onClick={() => void copy()}
          aria-label={`Copy: ${label}`}
          data-testid={`${testId}-copy`}
        >
          {state === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {state === 'failed' ? (
        <p className="field-error">The browser refused the clipboard; select the text and copy it by hand.</p>
      ) : null}
    </div>
  );
}

function HealthCheck({ diagnosis }: { diagnosis: SidekiqHealthDiagnosis }) {
  const stale = diagnosis.kind === 'stale_check';
  return (
    <div
      className={styles.diagnosis}
      data-testid="sidekiq-healthcheck"
      data-kind={diagnosis.kind}
      data-certainty={diagnosis.certainty}
      role="status"
    >
      <p className={styles.diagnosisHead}>
        <Badge tone="warn">{stale ? 'Stale health check' : 'Unhealthy, yet running'}</Badge>
        <strong>{diagnosis.containers.join(', ')}</strong>
        {stale && diagnosis.certainty === 'likely' ? (
          <span className="muted small">(inferred from the probe; the check itself could not be read)</span>
        ) : null}
      </p>
      <p>{diagnosis.message}</p>
      {diagnosis.fix ? (
        <>
          {diagnosis.fix.line ? (
            <CopyBlock
              text={diagnosis.fix.line}
              label={
                `docker-compose.yml, ${diagnosis.service} → healthcheck (Sidekiq` +
                ` ${diagnosis.imageSidekiqMajor ?? ''})`
              }
              testId="sidekiq-healthcheck-line"
            />
          ) : null}
          <CopyBlock
            text={diagnosis.fix.agnosticLine}
            label={
              diagnosis.fix.line
                ? 'Or the version-agnostic line, which survives the next Sidekiq major'
                : 'Version-agnostic line'
            }
            testId="sidekiq-healthcheck-agnostic"
          />
          <CopyBlock
            text={diagnosis.fix.apply}
            label="Then apply it (in the Mastodon directory)"
            testId="sidekiq-healthcheck-apply"
          />
        </>
      ) : null}
    </div>
  );
}

function Warnings({ warnings }: { warnings: SidekiqWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className={styles.warnings}>
      {warnings.map((warning) => (
        <li key={warning.code} data-testid="sidekiq-warning" data-code={warning.code}>
          <Badge tone={warning.tone}>
            {warning.tone === 'bad' ? 'Problem' : warning.tone === 'warn' ? 'Warning' : 'Note'}
          </Badge>{' '}
          {warning.message}
        </li>
      ))}
    </ul>
  );
}

function Figure({
  title,
  value,
  testId,
  detail,
  total,
}: {
  title: string;
  value: number;
  testId: string;
  detail?: string;
  total?: number;
}) {
  return (
    <div className={figures.figure} data-testid={testId} data-value={value} data-total={total}>
      <span className={figures.figureTitle}>{title}</span>
      <span className={figures.figureValue}>{formatCount(value)}</span>
      {detail ? <span className={figures.figureDetail}>{detail}</span> : null}
    </div>
  );
}

function Totals({ report }: { report: SidekiqReport }) {
  const { stats, sets } = report;
  return (
    <div className={`${figures.figures} ${styles.totals}`} data-testid="sidekiq-totals">
      <Figure
        title="Enqueued"
        value={report.enqueued}
        testId="sidekiq-enqueued"
        detail={`in ${report.queues.length} queue${report.queues.length === 1 ? '' : 's'}`}
      />
      <Figure
        title="Processed today"
        value={stats.processedToday}
        testId="sidekiq-processed-today"
        detail={`${formatCount(stats.processed)} in total`}
        total={stats.processed}
      />
      <Figure
        title="Failed today"
        value={stats.failedToday}
        testId="sidekiq-failed-today"
        detail={`${formatCount(stats.failed)} in total`}
        total={stats.failed}
      />
      <Figure title="Retries" value={sets.retry} testId="sidekiq-retry" detail="failed, will retry" />
      <Figure title="Scheduled" value={sets.scheduled} testId="sidekiq-scheduled" detail="to run later" />
      <Figure title="Dead" value={sets.dead} testId="sidekiq-dead" detail="gave up retrying" />
    </div>
  );
}

function Queues({ report }: { report: SidekiqReport }) {
  if (report.queues.length === 0) return <p className="empty">Sidekiq has no queues in this Redis yet.</p>;
  return (
    <table className={styles.table} data-testid="sidekiq-queues">
      <caption className={styles.caption}>Queues</caption>
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col" className={styles.number}>
            Waiting
          </th>
          <th scope="col">Latency (oldest job)</th>
        </tr>
      </thead>
      <tbody>
        {report.queues.map((queue) => {
          const slow = isSlow(queue.latencySeconds);
          return (
            <tr
              key={queue.name}
              className={slow ? styles.slow : undefined}
              data-testid={`sidekiq-queue-${queue.name}`}
              data-size={queue.size}
              data-latency={queue.latencySeconds ?? ''}
              data-slow={slow}
            >
              <th scope="row" className="mono">
                {queue.name}
                {!queue.required ? <span className="muted small"> (extra queue)</span> : null}
              </th>
              <td className={styles.number}>{formatCount(queue.size)}</td>
              <td>
                {formatLatency(queue.latencySeconds)}{' '}
                {slow ? <Badge tone="warn">over {SLOW_LATENCY_SECONDS / 60} min</Badge> : null}
                {queue.problem ? <span className="muted small">{queue.problem}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Processes({ report }: { report: SidekiqReport }) {
  if (report.processes.length === 0) return null;
  return (
    <table className={styles.table} data-testid="sidekiq-processes">
      <caption className={styles.caption}>Processes</caption>
      <thead>
        <tr>
          <th scope="col">Host</th>
          <th scope="col">Queues</th>
          <th scope="col" className={styles.number}>
            Busy
          </th>
          <th scope="col">Heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {report.processes.map((process) => (
          <tr
            key={process.identity}
            data-testid="sidekiq-process"
            data-identity={process.identity}
            data-busy={process.busy ?? ''}
            data-concurrency={process.concurrency ?? ''}
          >
            <th scope="row">
              <span className="mono">{process.hostname}</span>
              <span className="muted small">
                {process.pid !== undefined ? ` pid ${process.pid}` : ''}
                {process.version ? ` · Sidekiq ${process.version}` : ''}
              </span>
              {process.quiet ? (
                <>
                  {' '}
                  <Badge tone="warn">quiet</Badge>
                </>
              ) : null}
            </th>
            <td className="small">{process.queues.join(', ') || '—'}</td>
            <td className={styles.number}>
              {process.busy ?? '?'} / {process.concurrency ?? '?'}
            </td>
            <td data-age={process.beatAgeSeconds ?? ''}>{formatAge(process.beatAgeSeconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SourceLine({ data }: { data: SidekiqPanelData }) {
  const { report, version } = data;
  return (
    <span className="muted small" data-testid="sidekiq-source">
      Redis {report.redis}
      {report.prefix ? `, keys under ${report.prefix}` : ''} ·{' '}
      {version.version ? (
        <>
          Mastodon <RunningVersionText running={version} testId="sidekiq-version" />
        </>
      ) : (
        'Mastodon version unknown'
      )}{' '}
      · today = {report.stats.day} (UTC)
    </span>
  );
}

/** Sidekiq as its Redis shows it: queues, counters, sets, processes, and what is wrong with them. */
export function SidekiqPanel({
  initial,
  intervalMs = 10_000,
}: {
  initial: PanelResult<SidekiqPanelData>;
  intervalMs?: number;
}) {
  const result = usePanel('sidekiq', initial, intervalMs);
  const data = result.ok ? result.data : undefined;
  return (
    <section className="panel" aria-labelledby="sidekiq-title" data-testid="sidekiq-panel">
      <header className="panel-head">
        <h2 id="sidekiq-title">Sidekiq</h2>
        {data ? <SourceLine data={data} /> : null}
      </header>
      {!result.ok ? <ErrorBox error={result.error} testId="sidekiq-error" /> : null}
      {data ? (
        <>
          {data.healthChecks.map((diagnosis) => (
            <HealthCheck key={diagnosis.service} diagnosis={diagnosis} />
          ))}
          <Warnings warnings={data.report.warnings} />
          {data.dockerError ? (
            <p className="muted small" data-testid="sidekiq-docker-note">
              <TranslatedText text={data.dockerError.title} />: the Mastodon version is unknown and Docker’s health
              checks are not compared with Redis.
            </p>
          ) : !data.version.version ? (
            <p className="muted small" data-testid="sidekiq-version-note">
              Mastodon version unknown ({data.version.problem}).
            </p>
          ) : null}
          <Totals report={data.report} />
          <div className={styles.tables}>
            <Queues report={data.report} />
            <Processes report={data.report} />
          </div>
        </>
      ) : null}
    </section>
  );
}
