'use client';

import { useTranslations } from 'next-intl';

import { runCleanupAction } from '@/app/media/actions';
import { JobButton } from '@/components/jobs/job-button';
import { JobProgress } from '@/components/jobs/job-progress';
import { useJobs } from '@/components/jobs/use-jobs';
import type { JobView } from '@/lib/jobs/types';
import { CLEANUP_COMMANDS, CLEANUP_JOB_KIND } from '@/lib/mastodon/cleanup/labels';
import type { CleanupResult } from '@/lib/mastodon/cleanup/run';
import {
  CLEANUP_JOBS,
  DAYS_MAX,
  DAYS_MIN,
  DEFAULT_DAYS,
  type CleanupInput,
  type CleanupJobName,
} from '@/lib/validations/cleanup';

/** tootctl's own options, shown as typed (they are commands, not words). */
const OPTIONS = {
  pruneProfiles: '--prune-profiles',
  removeHeaders: '--remove-headers',
  includeFollows: '--include-follows',
} as const;

type T = ReturnType<typeof useTranslations<'media.cleanup'>>;

function resultOf(job: JobView | undefined): CleanupResult | undefined {
  return job?.status === 'succeeded' ? (job.result as CleanupResult | undefined) : undefined;
}

/** The fields of the real run: exactly what the dry run ran with. */
function realRunFields(input: CleanupInput): Record<string, string> {
  const fields: Record<string, string> = { job: input.job, dryRun: 'false' };
  if (input.job === 'media-remove' || input.job === 'preview-cards-remove') fields.days = String(input.days);
  if (input.job === 'media-remove') {
    fields.remove = input.remove;
    if (input.includeFollows) fields.includeFollows = 'on';
  }
  return fields;
}

function describeRun(t: T, input: CleanupInput): string {
  const parts: string[] = [];
  if (input.job === 'media-remove' || input.job === 'preview-cards-remove')
    parts.push(t('olderThanDays', { days: input.days }));
  if (input.job === 'media-remove' && input.remove !== 'attachments')
    parts.push(input.remove === 'headers' ? t('headersOnly') : t('avatarsHeaders'));
  if (input.job === 'media-remove' && input.includeFollows) parts.push(t('followedToo'));
  return parts.join(', ');
}

function Options({ job }: { job: CleanupJobName }) {
  const t = useTranslations('media.cleanup');
  if (job === 'media-remove-orphans') return null;
  return (
    <div className="cleanup-options">
      <label>
        {t('olderThan')}{' '}
        <input
          type="number"
          name="days"
          min={DAYS_MIN}
          max={DAYS_MAX}
          step={1}
          required
          defaultValue={DEFAULT_DAYS[job]}
          data-testid={`cleanup-${job}-days`}
        />{' '}
        {t('days')}
      </label>
      {job === 'media-remove' ? (
        <fieldset>
          <legend className="small">{t('removeLegend')}</legend>
          <label>
            <input type="radio" name="remove" value="attachments" defaultChecked /> {t('attachments')}
          </label>
          <label>
            <input type="radio" name="remove" value="avatars-and-headers" /> {t('avatarsHeaders')}{' '}
            <code>{OPTIONS.pruneProfiles}</code>
          </label>
          <label>
            <input type="radio" name="remove" value="headers" /> {t('headersOnly')} <code>{OPTIONS.removeHeaders}</code>
          </label>
          <label>
            <input type="checkbox" name="includeFollows" /> {t('includeFollows')} <code>{OPTIONS.includeFollows}</code>
          </label>
        </fieldset>
      ) : null}
    </div>
  );
}

function CleanupJob({ job, latest, blocked }: { job: CleanupJobName; latest?: JobView; blocked: boolean }) {
  const t = useTranslations('media.cleanup');
  const spec = CLEANUP_COMMANDS[job];
  const result = resultOf(latest);
  const testId = `cleanup-${job}`;
  return (
    <div className="cleanup-job" data-testid={testId}>
      <h3>
        {t(`jobs.${job}.title`)} <code className="small">{spec.command}</code>
      </h3>
      <p className="muted small">{t(`jobs.${job}.explained`)}</p>
      <JobButton
        action={runCleanupAction}
        fields={{ job, dryRun: 'true' }}
        label={t('preview')}
        busyLabel={t('running')}
        testId={`${testId}-preview`}
        job={latest}
        showProgress={false}
        disabled={blocked}
        secondary
        note={blocked ? t('blocked') : t('dryNote')}
      >
        <Options job={job} />
      </JobButton>
      {latest ? <JobProgress job={latest} /> : null}
      {result?.dryRun ? (
        <div className="cleanup-result" role="status" data-testid={`${testId}-announced`}>
          <p>
            {t.rich('wouldFree', {
              size: result.sizeText,
              counted: t(`jobs.${result.input.job}.counted`, { count: result.count }),
              details: describeRun(t, result.input) ? `, ${describeRun(t, result.input)}` : '',
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
          <JobButton
            action={runCleanupAction}
            fields={realRunFields(result.input)}
            label={t('remove')}
            busyLabel={t('removing')}
            testId={`${testId}-remove`}
            showProgress={false}
            disabled={blocked}
            confirmMessage={t('confirmRemove', {
              command: result.command.replace(' --dry-run', ''),
              container: result.container,
            })}
          />
        </div>
      ) : null}
      {result && !result.dryRun ? (
        <p className="cleanup-result action-ok" role="status" data-testid={`${testId}-freed`}>
          {t.rich('freed', {
            size: result.sizeText,
            counted: t(`jobs.${result.input.job}.counted`, { count: result.count }),
            strong: (chunks) => <strong>{chunks}</strong>,
          })}
        </p>
      ) : null}
      {result && result.errorCount > 0 ? (
        <div className="media-warning" data-testid={`${testId}-errors`}>
          <p>{t('errors', { count: result.errorCount })}</p>
          <ul className="small">
            {result.errors.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/**
 * "Free disk space": tootctl's three cleanup jobs, each previewed with --dry-run first; the real run is offered with
 * exactly the dry run's options. One runs at a time (the server holds one lock for all), live over the jobs topic.
 */
export function FreeDiskSpace({ initialJobs }: { initialJobs: JobView[] }) {
  const jobs = [...useJobs(initialJobs).values()]
    .filter((job) => job.kind === CLEANUP_JOB_KIND)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const running = jobs.find((job) => job.status === 'running');
  const t = useTranslations('media.cleanup');
  return (
    <section className="panel free-disk-space" aria-labelledby="free-disk-space-heading" data-testid="free-disk-space">
      <div className="panel-head">
        <h2 id="free-disk-space-heading">{t('heading')}</h2>
      </div>
      <p className="muted">{t.rich('intro', { code: (chunks) => <code>{chunks}</code> })}</p>
      {CLEANUP_JOBS.map((job) => {
        const command = CLEANUP_COMMANDS[job].command;
        return (
          <CleanupJob
            key={job}
            job={job}
            latest={jobs.find((entry) => entry.target === command)}
            blocked={running !== undefined && running.target !== command}
          />
        );
      })}
    </section>
  );
}
