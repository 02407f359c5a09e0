'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';

import { JobProgress } from '@/components/jobs/job-progress';
import { useJobs } from '@/components/jobs/use-jobs';
import { useRefreshWhenJobEnds } from '@/components/jobs/use-refresh-when-job-ends';
import { AttentionItem, AttentionList } from '@/components/attention/attention-item';
import { ErrorBox } from '@/components/ui/error-box';
import type { AttentionFinding } from '@/lib/attention/types';
import type { ErrorView } from '@/lib/errors';
import type { JobView } from '@/lib/jobs/types';
import type { MediaDiagnosis } from '@/lib/mastodon/media-verdict';
import { DiagnosisView } from './diagnosis-view';
import { FixOwnershipButton } from './fix-ownership-button';
import { asFixResult } from './fix-result';

const KIND = 'media.permissions_fixed';

function latestFix(jobs: Iterable<JobView>): JobView | undefined {
  let latest: JobView | undefined;
  for (const job of jobs) if (job.kind === KIND && (!latest || latest.startedAt < job.startedAt)) latest = job;
  return latest;
}

/** The media folder panel: the diagnosis, the "Fix ownership" job with its progress, and the re-check it ends with. */
export function MediaPanel({
  diagnosis,
  findings,
  error,
  initialJobs,
}: {
  diagnosis?: MediaDiagnosis;
  /** What the home page's "Needs attention" list says of this diagnosis (the same detector function). */
  findings: AttentionFinding[];
  error?: ErrorView;
  initialJobs: JobView[];
}) {
  const t = useTranslations('media.panel');
  const router = useRouter();
  const job = latestFix(useJobs(initialJobs).values());
  const running = job?.status === 'running';
  const fixed = job?.status === 'succeeded' ? asFixResult(job.result) : undefined;

  useRefreshWhenJobEnds(job);

  const evidence = diagnosis?.evidence;
  const owner = evidence ? `${evidence.expected.uid}:${evidence.expected.gid}` : '';

  return (
    <section className="panel media" aria-labelledby="media-heading">
      <div className="panel-head">
        <h1 id="media-heading">{t('heading')}</h1>
        <button
          type="button"
          className="secondary small-button"
          onClick={() => router.refresh()}
          data-testid="media-recheck"
        >
          {t('checkAgain')}
        </button>
        <noscript>
          <span className="muted small">{t('noscript')}</span>
        </noscript>
      </div>
      <p className="muted">{t.rich('intro', { code: (chunks) => <code>{chunks}</code> })}</p>
      {error ? <ErrorBox error={error} testId="media-error" /> : null}
      {findings.length > 0 ? (
        <AttentionList testId="media-findings">
          {findings.map((finding) => (
            <AttentionItem key={finding.key} finding={finding} jobs={[]} showFix={false} />
          ))}
        </AttentionList>
      ) : null}
      {diagnosis ? <DiagnosisView diagnosis={diagnosis} testId="media-diagnosis" /> : null}

      {diagnosis && evidence && (diagnosis.verdict.fixHelps || running) ? (
        <FixOwnershipButton
          container={evidence.container}
          path={evidence.path}
          owner={owner}
          job={job}
          showProgress={false}
          note={t.rich('fixNote', { container: evidence.container, code: (chunks) => <code>{chunks}</code> })}
        />
      ) : null}

      {job ? (
        <div className="media-job">
          <h2>{t('fixHeading')}</h2>
          <JobProgress job={job} />
          {fixed ? (
            <div className="media-fixed" data-testid="media-fix-result">
              <p>
                {t('fixed', {
                  changed: fixed.filesChanged,
                  total: fixed.entriesToChange,
                  before: fixed.ownerBefore,
                  owner: fixed.owner,
                })}
              </p>
              <h3>{t('afterHeading')}</h3>
              <DiagnosisView diagnosis={fixed.after} testId="media-after" />
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
