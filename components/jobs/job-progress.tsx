'use client';

import type { JobView } from '@/lib/jobs/types';
import { Badge } from '@/components/ui/badge';
import { TranslatedText } from '@/components/i18n/translated-text';

const STATUS: Record<JobView['status'], { word: string; tone: 'good' | 'warn' | 'bad' }> = {
  running: { word: 'Running', tone: 'warn' },
  succeeded: { word: 'Done', tone: 'good' },
  failed: { word: 'Failed', tone: 'bad' },
  interrupted: { word: 'Interrupted', tone: 'bad' },
};

/** A job's steps as they happen; the same view after a reload, since steps are stored. */
export function JobProgress({ job }: { job: JobView }) {
  const status = STATUS[job.status];
  return (
    <div
      className={`job job-${job.status}`}
      data-testid="job"
      data-job-id={job.id}
      data-status={job.status}
      aria-live="polite"
    >
      <div className="job-head">
        <Badge tone={status.tone}>{status.word}</Badge>
        <span className="muted small">audit #{job.auditId}</span>
      </div>
      <ol className="job-steps">
        {job.steps.map((step, index) => (
          <li key={`${step.at}-${index}`}>
            <time dateTime={step.at} suppressHydrationWarning>
              {new Date(step.at).toLocaleTimeString()}
            </time>{' '}
            {step.step}
            {step.total === undefined
              ? ''
              : step.unit === '%'
                ? ` (${step.done ?? 0} %)`
                : ` (${step.done ?? 0} of ${step.total})`}
            {step.detail ? <span className="muted"> · {step.detail}</span> : null}
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
              <p className="muted small">Its last log lines:</p>
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
