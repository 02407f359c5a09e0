'use client';

import { useCallback, useEffect, useRef } from 'react';
import { useTranslations } from 'next-intl';

import { useJobs } from '@/components/jobs/use-jobs';
import { useLiveTopic } from '@/components/live/use-live-topic';
import { ErrorBox } from '@/components/ui/error-box';
import { useRefreshingPanel } from '@/components/ui/use-panel';
import { SEVERITIES, type AttentionFinding, type AttentionReport } from '@/lib/attention/types';
import type { JobView, JobsMessage } from '@/lib/jobs/types';
import type { ContainersMessage } from '@/lib/live/messages';
import type { PanelResult } from '@/lib/panels/panel';

import { AttentionItem, AttentionList } from './attention-item';
import styles from './attention.module.css';

/** How often the list asks again without an event; polled detectors answer from their last check in between. */
const REFRESH_MS = 15_000;
/** Docker events come in bursts (die, then restart, then health): one refresh after the burst. */
const EVENT_SETTLE_MS = 400;

type Translate = ReturnType<typeof useTranslations<'attention'>>;

/** "2 critical, 3 warnings, 1 info": the list may scroll, the count says how much there is. */
function counts(t: Translate, findings: readonly AttentionFinding[]): string {
  const of = (severity: AttentionFinding['severity']) => findings.filter((f) => f.severity === severity).length;
  return SEVERITIES.map((severity) => [severity, of(severity)] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => t(`panel.counts.${severity}`, { count }))
    .join(', ');
}

/** The time of day in UTC, as the server checked it (hh:mm:ss of the ISO string). */
function clock(t: Translate, iso: string): string {
  return t('panel.clock', { time: iso.slice(11, 19) });
}

/**
 * "Needs attention": the registry's findings, most severe first, each with its evidence and its fix. It asks
 * again every REFRESH_MS and whenever the tab's one event stream reports a container change or a job's end, so
 * a fixed problem leaves the list without a reload.
 */
export function AttentionPanel({
  initial,
  initialJobs,
}: {
  initial: PanelResult<AttentionReport>;
  initialJobs: JobView[];
}) {
  const t = useTranslations('attention');
  const { result, refresh } = useRefreshingPanel('/api/attention', initial, REFRESH_MS);
  const jobs = useJobs(initialJobs);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const soon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void refresh(), EVENT_SETTLE_MS);
  }, [refresh]);
  useEffect(() => () => clearTimeout(timer.current), []);

  useLiveTopic<ContainersMessage>('containers', soon);
  useLiveTopic<JobsMessage>('jobs', (message) => {
    if (message.job.status !== 'running') soon();
  });

  const report = result.ok ? result.data : undefined;
  const findings = report?.findings ?? [];
  return (
    <section
      className={`panel ${styles.panel}`}
      aria-labelledby="attention-title"
      data-testid="attention-panel"
      data-count={findings.length}
    >
      <header className="panel-head">
        <h2 id="attention-title">{t('panel.title')}</h2>
        {report && findings.length > 0 ? (
          <span className="muted small" data-testid="attention-checked">
            <span data-testid="attention-counts">{counts(t, findings)}</span> · {t('panel.checked')}{' '}
            <time dateTime={report.checkedAt}>{clock(t, report.checkedAt)}</time>
          </span>
        ) : null}
      </header>
      {result.ok ? null : <ErrorBox error={result.error} testId="attention-error" />}
      {report && findings.length === 0 ? (
        <p className={styles.clear} data-testid="attention-clear">
          {t('panel.clear')}{' '}
          <span className="muted small">{t('panel.lastCheck', { time: clock(t, report.checkedAt) })}</span>
        </p>
      ) : null}
      {findings.length > 0 ? (
        <AttentionList testId="attention-list">
          {findings.map((finding) => (
            <AttentionItem key={finding.key} finding={finding} jobs={jobs.values()} />
          ))}
        </AttentionList>
      ) : null}
      <noscript>
        <p className="muted small">{t('panel.noscript')}</p>
      </noscript>
    </section>
  );
}

export function AttentionLoading() {
  const t = useTranslations('attention');
  return (
    <section className={`panel ${styles.panel}`} aria-busy="true" data-testid="attention-loading">
      <header className="panel-head">
        <h2>{t('panel.title')}</h2>
        <span className="muted small">{t('panel.checking')}</span>
      </header>
    </section>
  );
}
