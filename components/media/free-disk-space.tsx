'use client';

import type { ReactNode } from 'react';

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

const EXPLAINED: Record<CleanupJobName, ReactNode> = {
  'media-remove': (
    <>
      Copies of images and videos from other servers, older than the days given. Mastodon fetches them again when
      someone opens the post. With avatars and headers, it removes those of remote accounts not seen for that long.
    </>
  ),
  'preview-cards-remove': (
    <>
      Thumbnails of link previews not updated for the days given. A link posted again within two weeks gets no new
      preview, so keep at least 14 days.
    </>
  ),
  'media-remove-orphans': (
    <>
      Files in the media folder that no attachment, avatar, emoji or preview belongs to. It reads every file, so it is
      slow on a large folder.
    </>
  ),
};

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

function describeRun(input: CleanupInput): string {
  const parts: string[] = [];
  if (input.job === 'media-remove' || input.job === 'preview-cards-remove') parts.push(`older than ${input.days} days`);
  if (input.job === 'media-remove' && input.remove !== 'attachments')
    parts.push(input.remove === 'headers' ? 'headers only' : 'avatars and headers');
  if (input.job === 'media-remove' && input.includeFollows) parts.push('followed accounts too');
  return parts.join(', ');
}

function Options({ job }: { job: CleanupJobName }) {
  if (job === 'media-remove-orphans') return null;
  return (
    <div className="cleanup-options">
      <label>
        Older than{' '}
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
        days
      </label>
      {job === 'media-remove' ? (
        <fieldset>
          <legend className="small">Remove</legend>
          <label>
            <input type="radio" name="remove" value="attachments" defaultChecked /> media attachments
          </label>
          <label>
            <input type="radio" name="remove" value="avatars-and-headers" /> avatars and headers{' '}
            <code>--prune-profiles</code>
          </label>
          <label>
            <input type="radio" name="remove" value="headers" /> headers only <code>--remove-headers</code>
          </label>
          <label>
            <input type="checkbox" name="includeFollows" /> with avatars or headers: also accounts someone here follows
            or is followed by <code>--include-follows</code>
          </label>
        </fieldset>
      ) : null}
    </div>
  );
}

function CleanupJob({ job, latest, blocked }: { job: CleanupJobName; latest?: JobView; blocked: boolean }) {
  const spec = CLEANUP_COMMANDS[job];
  const result = resultOf(latest);
  const testId = `cleanup-${job}`;
  return (
    <div className="cleanup-job" data-testid={testId}>
      <h3>
        {spec.title} <code className="small">{spec.command}</code>
      </h3>
      <p className="muted small">{EXPLAINED[job]}</p>
      <JobButton
        action={runCleanupAction}
        fields={{ job, dryRun: 'true' }}
        label="Preview (dry run)"
        busyLabel="Running…"
        testId={`${testId}-preview`}
        job={latest}
        showProgress={false}
        disabled={blocked}
        secondary
        note={blocked ? 'Another cleanup is running.' : 'Deletes nothing; says what the run would free.'}
      >
        <Options job={job} />
      </JobButton>
      {latest ? <JobProgress job={latest} /> : null}
      {result?.dryRun ? (
        <div className="cleanup-result" role="status" data-testid={`${testId}-announced`}>
          <p>
            Would free <strong>approx. {result.sizeText}</strong> ({result.count} {result.counted}
            {describeRun(result.input) ? `, ${describeRun(result.input)}` : ''}).
          </p>
          <JobButton
            action={runCleanupAction}
            fields={realRunFields(result.input)}
            label="Remove"
            busyLabel="Removing…"
            testId={`${testId}-remove`}
            showProgress={false}
            disabled={blocked}
            confirmMessage={
              `Run "${result.command.replace(' --dry-run', '')}" in ${result.container}?` +
              ' The files are deleted for good.'
            }
          />
        </div>
      ) : null}
      {result && !result.dryRun ? (
        <p className="cleanup-result action-ok" role="status" data-testid={`${testId}-freed`}>
          Freed <strong>approx. {result.sizeText}</strong> ({result.count} {result.counted}).
        </p>
      ) : null}
      {result && result.errorCount > 0 ? (
        <div className="media-warning" data-testid={`${testId}-errors`}>
          <p>tootctl could not remove {result.errorCount} of them:</p>
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
  return (
    <section className="panel free-disk-space" aria-labelledby="free-disk-space-heading" data-testid="free-disk-space">
      <div className="panel-head">
        <h2 id="free-disk-space-heading">Free disk space</h2>
      </div>
      <p className="muted">
        Mastodon&apos;s own cleanup commands, run in the web container (sidekiq when web is down). A dry run comes
        first: <code>--dry-run</code> deletes nothing and announces what the run would free, which is then offered.
        Sizes are tootctl&apos;s own estimate: it counts the original and the thumbnail of each attachment, so the disk
        usually gains a little more.
      </p>
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
