'use client';

import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';

import { RestartButton } from '@/components/containers/restart-button';
import { FixOwnershipButton } from '@/components/media/fix-ownership-button';
import { TranslatedText } from '@/components/i18n/translated-text';
import { Badge } from '@/components/ui/badge';
import type { AttentionFinding, AttentionFix } from '@/lib/attention/types';
import type { JobView } from '@/lib/jobs/types';

import styles from './attention.module.css';
import { SEVERITY_BADGE } from './severity';

/** The newest job of a kind on a target: the button shows its progress. */
export function latestJob(jobs: Iterable<JobView>, kind: string, target: string): JobView | undefined {
  let latest: JobView | undefined;
  for (const job of jobs)
    if (job.kind === kind && job.target === target && (!latest || latest.startedAt < job.startedAt)) latest = job;
  return latest;
}

function Fix({ fix, jobs }: { fix: AttentionFix; jobs: Iterable<JobView> }) {
  switch (fix.kind) {
    case 'restart':
      return (
        <RestartButton
          name={fix.container}
          service={fix.service}
          job={latestJob(jobs, 'container.restarted', fix.container)}
        />
      );
    case 'media-ownership':
      return (
        <FixOwnershipButton
          container={fix.container}
          path={fix.path}
          owner={fix.owner}
          job={latestJob(jobs, 'media.permissions_fixed', `${fix.container}:${fix.path}`)}
          showProgress
          testId="attention-media-fix"
        />
      );
    case 'command':
      return (
        <span className={styles.command}>
          <code className="mono" data-testid="attention-command">
            {fix.command}
          </code>{' '}
          <span className="muted small">
            <TranslatedText text={fix.where} />
          </span>
        </span>
      );
    case 'link':
      return (
        <a href={fix.href} className="small" data-testid="attention-link">
          <TranslatedText text={fix.label} />
        </a>
      );
  }
}

/** The list the findings sit in (bounded in height, so the page below stays in view). */
export function AttentionList({ children, testId }: { children: ReactNode; testId: string }) {
  return (
    <ul className={styles.list} data-testid={testId}>
      {children}
    </ul>
  );
}

/** One finding: severity, title, the line of evidence, its fix, and longer detail folded away. */
export function AttentionItem({
  finding,
  jobs,
  showFix = true,
}: {
  finding: AttentionFinding;
  jobs: Iterable<JobView>;
  /** False where the page shows the same fix itself (the Media page's own button). */
  showFix?: boolean;
}) {
  const t = useTranslations('attention');
  const badge = SEVERITY_BADGE[finding.severity];
  return (
    <li
      className={styles.item}
      data-testid="attention-item"
      data-key={finding.key}
      data-severity={finding.severity}
      data-detector={finding.detector}
    >
      <div className={styles.line}>
        <Badge tone={badge.tone}>{t(`severity.${finding.severity}`)}</Badge>{' '}
        <strong data-testid="attention-title">
          <TranslatedText text={finding.title} />
        </strong>{' '}
        <span className={styles.evidence} data-testid="attention-evidence">
          <TranslatedText text={finding.evidence} />
        </span>
      </div>
      {finding.fix && showFix ? (
        <div className={styles.fix} data-testid="attention-fix" data-fix={finding.fix.kind}>
          <Fix fix={finding.fix} jobs={jobs} />
        </div>
      ) : null}
      {finding.detail ? (
        <details className={styles.detail}>
          <summary>{t('panel.details')}</summary>
          <p>
            <TranslatedText text={finding.detail} />
          </p>
        </details>
      ) : null}
    </li>
  );
}
