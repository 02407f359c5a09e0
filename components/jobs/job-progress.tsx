'use client';

import { useTranslations } from 'next-intl';

import type { JobView } from '@/lib/jobs/types';
import { useFormat } from '@/components/i18n/use-format';
import { Badge } from '@/components/ui/badge';
import { TranslatedText } from '@/components/i18n/translated-text';

const STATUS_TONE: Record<JobView['status'], 'good' | 'warn' | 'bad'> = {
  running: 'warn',
  succeeded: 'good',
  failed: 'bad',
  interrupted: 'bad',
};

/** A job's steps as they happen; the same view after a reload, since steps are stored. */
export function JobProgress({ job }: { job: JobView }) {
  const t = useTranslations('jobs');
  const format = useFormat();
  return (
    <div
      className={`job job-${job.status}`}
      data-testid="job"
      data-job-id={job.id}
      data-status={job.status}
      aria-live="polite"
    >
      <div className="job-head">
        <Badge tone={STATUS_TONE[job.status]}>{t(`status.${job.status}`)}</Badge>
        <span className="muted small">{t('audit', { id: job.auditId })}</span>
      </div>
      <ol className="job-steps">
        {job.steps.map((step, index) => (
          <li key={`${step.at}-${index}`}>
            <time dateTime={step.at} suppressHydrationWarning>
              {format.time(Date.parse(step.at), { seconds: true })}
            </time>{' '}
            <TranslatedText text={step.step} />
            {step.total === undefined
              ? ''
              : step.unit === '%'
                ? t('percent', { done: format.number(step.done ?? 0) })
                : t('ofTotal', { done: format.number(step.done ?? 0), total: format.number(step.total) })}
            {step.detail ? (
              <span className="muted">
                {' · '}
                <TranslatedText text={step.detail} />
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {job.error ? (
        <div className="job-error" role="alert">
          <p>
            <strong>
              <TranslatedText text={job.error.title} />:
            </strong>{' '}
            <TranslatedText text={job.error.detail} />
          </p>
          {job.error.fix ? (
            <p className="small">
              <TranslatedText text={job.error.fix} />
            </p>
          ) : null}
          {job.error.logLines && job.error.logLines.length > 0 ? (
            <>
              <p className="muted small">{t('logLines')}</p>
              <pre className="job-log" data-testid="job-log" tabIndex={0}>
                {job.error.logLines.join('\n')}
              </pre>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
