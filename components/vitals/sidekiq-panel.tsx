'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';

import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';

import { RunningVersionText } from '@/components/mastodon/running-version';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import { text } from '@/lib/i18n/text';
import type { SidekiqHealthDiagnosis } from '@/lib/mastodon/sidekiq-health-check';
import type { SidekiqReport, SidekiqWarning } from '@/lib/mastodon/sidekiq';
import type { PanelResult } from '@/lib/panels/panel';
import type { SidekiqPanelData } from '@/lib/panels/sidekiq';

import { ageText, formatLatency, isSlow, SLOW_LATENCY_SECONDS } from './sidekiq-format';
import styles from './sidekiq-panel.module.css';
import figures from './vitals.module.css';

function CopyBlock({ text, label, testId }: { text: string; label: string; testId: string }) {
  const t = useTranslations('vitals.sidekiq');
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
          aria-label={t('copyLabel', { label })}
          data-testid={`${testId}-copy`}
        >
          {state === 'copied' ? t('copied') : t('copy')}
        </button>
      </div>
      {state === 'failed' ? <p className="field-error">{t('clipboardRefused')}</p> : null}
    </div>
  );
}

function HealthCheck({ diagnosis }: { diagnosis: SidekiqHealthDiagnosis }) {
  const t = useTranslations('vitals.sidekiq');
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
        <Badge tone="warn">{stale ? t('staleCheck') : t('unhealthyRunning')}</Badge>
        <strong>{diagnosis.containers.join(', ')}</strong>
        {stale && diagnosis.certainty === 'likely' ? <span className="muted small">{t('inferred')}</span> : null}
      </p>
      <p>
        <TranslatedText text={diagnosis.message} />
      </p>
      {diagnosis.fix ? (
        <>
          {diagnosis.fix.line ? (
            <CopyBlock
              text={diagnosis.fix.line}
              label={t('lineLabel', {
                service: diagnosis.service,
                major: diagnosis.imageSidekiqMajor ?? '',
              })}
              testId="sidekiq-healthcheck-line"
            />
          ) : null}
          <CopyBlock
            text={diagnosis.fix.agnosticLine}
            label={diagnosis.fix.line ? t('agnosticOr') : t('agnostic')}
            testId="sidekiq-healthcheck-agnostic"
          />
          <CopyBlock text={diagnosis.fix.apply} label={t('apply')} testId="sidekiq-healthcheck-apply" />
        </>
      ) : null}
    </div>
  );
}

function Warnings({ warnings }: { warnings: SidekiqWarning[] }) {
  const t = useTranslations('vitals.sidekiq');
  if (warnings.length === 0) return null;
  return (
    <ul className={styles.warnings}>
      {warnings.map((warning) => (
        <li key={warning.code} data-testid="sidekiq-warning" data-code={warning.code}>
          <Badge tone={warning.tone}>
            {warning.tone === 'bad' ? t('problem') : warning.tone === 'warn' ? t('warning') : t('note')}
          </Badge>{' '}
          <TranslatedText text={warning.message} />
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
  const format = useFormat();
  return (
    <div className={figures.figure} data-testid={testId} data-value={value} data-total={total}>
      <span className={figures.figureTitle}>{title}</span>
      <span className={figures.figureValue}>{format.number(value)}</span>
      {detail ? <span className={figures.figureDetail}>{detail}</span> : null}
    </div>
  );
}

function Totals({ report }: { report: SidekiqReport }) {
  const t = useTranslations('vitals.sidekiq');
  const format = useFormat();
  const { stats, sets } = report;
  return (
    <div className={`${figures.figures} ${styles.totals}`} data-testid="sidekiq-totals">
      <Figure
        title={t('enqueued')}
        value={report.enqueued}
        testId="sidekiq-enqueued"
        detail={t('inQueues', { count: report.queues.length })}
      />
      <Figure
        title={t('processedToday')}
        value={stats.processedToday}
        testId="sidekiq-processed-today"
        detail={t('inTotal', { total: format.number(stats.processed) })}
        total={stats.processed}
      />
      <Figure
        title={t('failedToday')}
        value={stats.failedToday}
        testId="sidekiq-failed-today"
        detail={t('inTotal', { total: format.number(stats.failed) })}
        total={stats.failed}
      />
      <Figure title={t('retries')} value={sets.retry} testId="sidekiq-retry" detail={t('retriesDetail')} />
      <Figure title={t('scheduled')} value={sets.scheduled} testId="sidekiq-scheduled" detail={t('scheduledDetail')} />
      <Figure title={t('dead')} value={sets.dead} testId="sidekiq-dead" detail={t('deadDetail')} />
    </div>
  );
}

function Queues({ report }: { report: SidekiqReport }) {
  const t = useTranslations('vitals.sidekiq');
  const format = useFormat();
  if (report.queues.length === 0) return <p className="empty">{t('noQueues')}</p>;
  return (
    <table className={styles.table} data-testid="sidekiq-queues">
      <caption className={styles.caption}>{t('queues')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('queue')}</th>
          <th scope="col" className={styles.number}>
            {t('waiting')}
          </th>
          <th scope="col">{t('latency')}</th>
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
                {!queue.required ? <span className="muted small"> {t('extraQueue')}</span> : null}
              </th>
              <td className={styles.number}>{format.number(queue.size)}</td>
              <td>
                {formatLatency(queue.latencySeconds, format)}{' '}
                {slow ? <Badge tone="warn">{t('over', { minutes: SLOW_LATENCY_SECONDS / 60 })}</Badge> : null}
                {queue.problem ? (
                  <span className="muted small">
                    <TranslatedText text={queue.problem} />
                  </span>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Processes({ report }: { report: SidekiqReport }) {
  const t = useTranslations('vitals.sidekiq');
  const format = useFormat();
  if (report.processes.length === 0) return null;
  return (
    <table className={styles.table} data-testid="sidekiq-processes">
      <caption className={styles.caption}>{t('processes')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('host')}</th>
          <th scope="col">{t('queues')}</th>
          <th scope="col" className={styles.number}>
            {t('busy')}
          </th>
          <th scope="col">{t('heartbeat')}</th>
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
                {process.pid !== undefined ? ` ${t('pid', { pid: process.pid })}` : ''}
                {process.version ? ` · Sidekiq ${process.version}` : ''}
              </span>
              {process.quiet ? (
                <>
                  {' '}
                  <Badge tone="warn">{t('quiet')}</Badge>
                </>
              ) : null}
            </th>
            <td className="small">{process.queues.join(', ') || '—'}</td>
            <td className={styles.number}>
              {process.busy ?? '?'} / {process.concurrency ?? '?'}
            </td>
            <td data-age={process.beatAgeSeconds ?? ''}>
              <TranslatedText text={ageText(process.beatAgeSeconds, format)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SourceLine({ data }: { data: SidekiqPanelData }) {
  const t = useTranslations('vitals.sidekiq');
  const { report, version } = data;
  return (
    <span className="muted small" data-testid="sidekiq-source">
      Redis {report.redis}
      {report.prefix ? t('keysUnder', { prefix: report.prefix }) : ''} ·{' '}
      {version.version ? (
        <>
          Mastodon <RunningVersionText running={version} testId="sidekiq-version" />
        </>
      ) : (
        t('versionUnknown')
      )}{' '}
      · {t('today', { day: report.stats.day })}
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
  const t = useTranslations('vitals.sidekiq');
  return (
    <section className="panel" aria-labelledby="sidekiq-title" data-testid="sidekiq-panel">
      <header className="panel-head">
        <h2 id="sidekiq-title">{t('title')}</h2>
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
              <TranslatedText text={text('vitals.sidekiq.dockerNote', { title: data.dockerError.title })} />
            </p>
          ) : !data.version.version ? (
            <p className="muted small" data-testid="sidekiq-version-note">
              <TranslatedText text={text('vitals.sidekiq.versionNote', { problem: data.version.problem ?? '' })} />
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
