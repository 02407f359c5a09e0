'use client';

import { backUpNowAction } from '@/app/backups/actions';
import { formatDuration } from '@/components/containers/format';
import { useNow } from '@/components/containers/use-now';
import { JobButton } from '@/components/jobs/job-button';
import { JobProgress } from '@/components/jobs/job-progress';
import { useJobs } from '@/components/jobs/use-jobs';
import { useRefreshWhenJobEnds } from '@/components/jobs/use-refresh-when-job-ends';
import { formatBytes } from '@/components/metrics/format';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { formatAgo, formatUntil } from '@/components/vitals/format';
import type { BackupItem, BackupsOverview } from '@/lib/backups/overview';
import type { JobView } from '@/lib/jobs/types';
import { backupFileHref } from '@/lib/validations/backups';

import { MediaSection } from './media-section';
import { RestoreCommands } from './restore-commands';
import styles from './backups.module.css';
import { TranslatedText } from '@/components/i18n/translated-text';

const VERIFICATION: Record<string, { word: string; tone: 'good' | 'warn' | 'bad' | 'neutral' }> = {
  verified: { word: 'Verified', tone: 'good' },
  failed: { word: 'Verification failed', tone: 'bad' },
  not_verified: { word: 'Not verified', tone: 'warn' },
  pending: { word: 'Not verified yet', tone: 'neutral' },
};

function latest(jobs: Iterable<JobView>): JobView | undefined {
  let found: JobView | undefined;
  for (const job of jobs) if (!found || found.startedAt < job.startedAt) found = job;
  return found;
}

/** A time in the browser's own zone, with how long ago it was (or how soon it comes). */
export function LocalTime({ iso, nowMs }: { iso: string; nowMs: number }) {
  const ms = Date.parse(iso);
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {`${new Date(iso).toLocaleString()} (${ms > nowMs ? formatUntil(ms, nowMs) : formatAgo(ms, nowMs)})`}
    </time>
  );
}

function BackupRow({ item, nowMs }: { item: BackupItem; nowMs: number }) {
  const record = item.record;
  if (!record) {
    return (
      <li className={styles.backup} data-testid="backup" data-name={item.name} data-state="damaged">
        <div className={styles.backupHead}>
          <Badge tone="bad">Damaged</Badge>
          <strong className="mono">{item.name}</strong>
        </div>
        <p className="small">
          {item.problem}. Its folder is kept as it is; retention never removes it. Check it by hand or remove it.
        </p>
      </li>
    );
  }
  const verification = VERIFICATION[record.verification.state] ?? VERIFICATION.pending!;
  return (
    <li className={styles.backup} data-testid="backup" data-name={item.name} data-state={record.verification.state}>
      <div className={styles.backupHead}>
        <Badge tone={verification.tone} testId="backup-verification">
          {verification.word}
        </Badge>
        <LocalTime iso={record.startedAt} nowMs={nowMs} />
      </div>
      <dl className="facts">
        <div>
          <dt>Size</dt>
          <dd data-testid="backup-size">{formatBytes(item.bytes)}</dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd>{formatDuration(record.durationMs)}</dd>
        </div>
        <div>
          <dt>Mastodon</dt>
          <dd>{record.mastodonVersion ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Started by</dt>
          <dd>{record.trigger === 'schedule' ? 'the schedule' : 'Back up now'}</dd>
        </div>
      </dl>
      {record.verification.detail ? (
        <p className="small" data-testid="backup-verification-detail">
          {record.verification.state === 'not_verified' ? <strong>Not verified: </strong> : null}
          {record.verification.detail}
        </p>
      ) : null}
      <p className={`small ${styles.downloads}`}>
        Download:{' '}
        {item.downloads.map((file) => (
          <a key={file} href={backupFileHref({ backup: item.name, file })} data-testid="backup-download">
            {file}
          </a>
        ))}
        <span className="muted"> (asks for your password when the login is older than a few minutes)</span>
      </p>
      <RestoreCommands steps={item.restore} />
    </li>
  );
}

export function BackupsPanel({ overview }: { overview: BackupsOverview }) {
  const nowMs = useNow(30_000);
  const job = latest(useJobs(overview.jobs).values());
  useRefreshWhenJobEnds(job);
  const { schedule } = overview;
  return (
    <section className="panel" aria-labelledby="backups-title">
      <div className="panel-head">
        <h1 id="backups-title">Backups</h1>
      </div>
      <p className="muted small">
        Each backup holds the database (<code>pg_dump -Fc</code> in the db container), <code>.env.production</code> and
        the compose file, with their checksums. It is then restored into a scratch database and its rows counted: that
        is what “verified” means. The media folder is not copied (see below).
      </p>
      <JobButton
        action={backUpNowAction}
        fields={{}}
        label="Back up now"
        busyLabel="Backing up…"
        testId="backup-now"
        job={job}
        showProgress={false}
      />
      {job ? (
        <div className={styles.job} data-testid="backup-job">
          <JobProgress job={job} />
        </div>
      ) : null}

      <dl className="facts facts-rows" data-testid="backup-settings">
        <div>
          <dt>Schedule</dt>
          <dd data-testid="backup-schedule">
            {schedule.stopped ? (
              <p className="error-box" role="alert" data-testid="backup-schedule-stopped">
                The schedule stopped <LocalTime iso={schedule.stopped.at} nowMs={nowMs} />:{' '}
                <TranslatedText text={schedule.stopped.reason} />
                {schedule.stopped.fix ? ` ${schedule.stopped.fix}` : ''} Restart the dashboard once that is fixed.
              </p>
            ) : null}
            {schedule.text === 'off' ? (
              'Off (BACKUP_SCHEDULE=off): backups run only when you press Back up now.'
            ) : (
              <>
                <code>{schedule.text}</code> ({schedule.timeZone}, the server’s time)
                {schedule.nextAt ? (
                  <>
                    ; next: <LocalTime iso={schedule.nextAt} nowMs={nowMs} />
                  </>
                ) : null}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Stored in</dt>
          <dd data-testid="backup-dir">
            <code>{overview.dirOnHost ?? overview.dir}</code>
            {overview.dirOnHost === null ? ' (inside the dashboard’s container: it mounts no host folder there)' : ''}
            {overview.dirOnHost !== null && overview.dirOnHost !== overview.dir ? (
              <span className="muted"> (BACKUP_DIR {overview.dir} in the dashboard’s container)</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Kept</dt>
          <dd>
            the newest {overview.keep} (BACKUP_KEEP), and always the newest verified one; older ones are removed after a
            good backup, never to make room
          </dd>
        </div>
      </dl>

      <h2>Kept backups ({overview.backups.length})</h2>
      {overview.listError ? <ErrorBox error={overview.listError} testId="backups-error" /> : null}
      {overview.failedAttempts.length > 0 ? (
        <ul className={styles.failures} data-testid="backup-failures">
          {overview.failedAttempts.map((attempt) => (
            <li key={attempt.auditId}>
              <Badge tone="bad">{attempt.outcome === 'interrupted' ? 'Interrupted' : 'Failed'}</Badge>{' '}
              <LocalTime iso={attempt.startedAt} nowMs={nowMs} />:{' '}
              {attempt.error ?? 'the dashboard stopped while it ran'}{' '}
              <a href={`/audit?action=backup.created`} className="small">
                audit #{attempt.auditId}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {overview.backups.length === 0 && !overview.listError ? (
        <p data-testid="backups-empty">No backup yet. Press Back up now to take the first one.</p>
      ) : (
        <ol className={styles.list} data-testid="backups">
          {overview.backups.map((item) => (
            <BackupRow key={item.name} item={item} nowMs={nowMs} />
          ))}
        </ol>
      )}

      <h2>Restoring</h2>
      <p className="small">
        There is no one-click restore: restoring replaces the live database, so it is done by hand, with the commands
        under each backup above (<strong>Restore commands</strong>). They are filled in for this deployment: compose
        project <code>{overview.deployment.project}</code>, service <code>{overview.deployment.dbService}</code>,
        database <code>{overview.deployment.dbName}</code>, role <code>{overview.deployment.dbUser}</code>. On a new
        server, first put <code>env.production</code> back as <code>.env.production</code> and the compose file beside
        it, and start only the db service (<code>docker compose up -d db</code>).
      </p>
      {overview.deploymentError ? (
        <p className="small" role="alert">
          Docker did not answer (<TranslatedText text={overview.deploymentError.title} />
          ): the service names are the usual ones, not read from the project.
        </p>
      ) : null}

      <MediaSection media={overview.media} nowMs={nowMs} />
    </section>
  );
}
