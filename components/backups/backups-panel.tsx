'use client';

import { useTranslations } from 'next-intl';

import { backUpNowAction } from '@/app/backups/actions';
import { useNow } from '@/components/containers/use-now';
import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';
import { JobButton } from '@/components/jobs/job-button';
import { JobProgress } from '@/components/jobs/job-progress';
import { useJobs } from '@/components/jobs/use-jobs';
import { useRefreshWhenJobEnds } from '@/components/jobs/use-refresh-when-job-ends';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import type { BackupItem, BackupsOverview } from '@/lib/backups/overview';
import { renderText } from '@/lib/i18n/text';
import type { JobView } from '@/lib/jobs/types';
import { backupFileHref } from '@/lib/validations/backups';

import { LocalTime } from './local-time';
import { MediaSection } from './media-section';
import { RestoreCommands } from './restore-commands';
import styles from './backups.module.css';

type VerificationWord = 'verified' | 'failed' | 'not_verified' | 'pending';

const VERIFICATION: Record<string, { word: VerificationWord; tone: 'good' | 'warn' | 'bad' | 'neutral' }> = {
  verified: { word: 'verified', tone: 'good' },
  failed: { word: 'failed', tone: 'bad' },
  not_verified: { word: 'not_verified', tone: 'warn' },
  pending: { word: 'pending', tone: 'neutral' },
};

function latest(jobs: Iterable<JobView>): JobView | undefined {
  let found: JobView | undefined;
  for (const job of jobs) if (!found || found.startedAt < job.startedAt) found = job;
  return found;
}

function BackupRow({ item, nowMs }: { item: BackupItem; nowMs: number }) {
  const t = useTranslations('backups');
  const root = useTranslations();
  const format = useFormat();
  const record = item.record;
  if (!record) {
    return (
      <li className={styles.backup} data-testid="backup" data-name={item.name} data-state="damaged">
        <div className={styles.backupHead}>
          <Badge tone="bad">{t('damaged.badge')}</Badge>
          <strong className="mono">{item.name}</strong>
        </div>
        <p className="small">{t('damaged.detail', { problem: item.problem ? renderText(root, item.problem) : '' })}</p>
      </li>
    );
  }
  const verification = VERIFICATION[record.verification.state] ?? VERIFICATION.pending!;
  return (
    <li className={styles.backup} data-testid="backup" data-name={item.name} data-state={record.verification.state}>
      <div className={styles.backupHead}>
        <Badge tone={verification.tone} testId="backup-verification">
          {t(`verification.${verification.word}`)}
        </Badge>
        <LocalTime iso={record.startedAt} nowMs={nowMs} />
      </div>
      <dl className="facts">
        <div>
          <dt>{t('facts.size')}</dt>
          <dd data-testid="backup-size">{format.bytes(item.bytes)}</dd>
        </div>
        <div>
          <dt>{t('facts.took')}</dt>
          <dd>{format.duration(record.durationMs)}</dd>
        </div>
        <div>
          <dt>{t('facts.mastodon')}</dt>
          <dd>{record.mastodonVersion ?? t('facts.unknown')}</dd>
        </div>
        <div>
          <dt>{t('facts.startedBy')}</dt>
          <dd>{record.trigger === 'schedule' ? t('facts.bySchedule') : t('facts.byButton')}</dd>
        </div>
      </dl>
      {record.verification.detail ? (
        <p className="small" data-testid="backup-verification-detail">
          {record.verification.state === 'not_verified' ? <strong>{t('verification.notVerifiedPrefix')}</strong> : null}
          <TranslatedText text={record.verification.detail} />
        </p>
      ) : null}
      <p className={`small ${styles.downloads}`}>
        {t('download.label')}{' '}
        {item.downloads.map((file) => (
          <a key={file} href={backupFileHref({ backup: item.name, file })} data-testid="backup-download">
            {file}
          </a>
        ))}
        <span className="muted"> {t('download.note')}</span>
      </p>
      <RestoreCommands steps={item.restore} />
    </li>
  );
}

export function BackupsPanel({ overview }: { overview: BackupsOverview }) {
  const t = useTranslations('backups');
  const root = useTranslations();
  const nowMs = useNow(30_000);
  const job = latest(useJobs(overview.jobs).values());
  useRefreshWhenJobEnds(job);
  const { schedule } = overview;
  const stopped = schedule.stopped;
  const nextAt = schedule.nextAt;
  return (
    <section className="panel" aria-labelledby="backups-title">
      <div className="panel-head">
        <h1 id="backups-title">{t('title')}</h1>
      </div>
      <p className="muted small">{t.rich('intro', { code: (chunks) => <code>{chunks}</code> })}</p>
      <JobButton
        action={backUpNowAction}
        fields={{}}
        label={t('backUpNow')}
        busyLabel={t('backingUp')}
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
          <dt>{t('schedule.label')}</dt>
          <dd data-testid="backup-schedule">
            {stopped ? (
              <p className="error-box" role="alert" data-testid="backup-schedule-stopped">
                {t.rich('schedule.stopped', {
                  when: () => <LocalTime iso={stopped.at} nowMs={nowMs} />,
                  reason: () => <TranslatedText text={stopped.reason} />,
                  fix: stopped.fix ? ` ${renderText(root, stopped.fix)}` : '',
                })}
              </p>
            ) : null}
            {schedule.text === 'off' ? (
              t('schedule.off')
            ) : (
              <>
                {t.rich('schedule.on', {
                  pattern: schedule.text,
                  timeZone: schedule.timeZone,
                  code: (chunks) => <code>{chunks}</code>,
                })}
                {nextAt ? t.rich('schedule.next', { when: () => <LocalTime iso={nextAt} nowMs={nowMs} /> }) : null}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('storedIn.label')}</dt>
          <dd data-testid="backup-dir">
            <code>{overview.dirOnHost ?? overview.dir}</code>
            {overview.dirOnHost === null ? ` ${t('storedIn.insideContainer')}` : ''}
            {overview.dirOnHost !== null && overview.dirOnHost !== overview.dir ? (
              <span className="muted"> {t('storedIn.inContainer', { dir: overview.dir })}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('kept.label')}</dt>
          <dd>{t('kept.detail', { keep: overview.keep })}</dd>
        </div>
      </dl>

      <h2>{t('kept.title', { count: overview.backups.length })}</h2>
      {overview.listError ? <ErrorBox error={overview.listError} testId="backups-error" /> : null}
      {overview.failedAttempts.length > 0 ? (
        <ul className={styles.failures} data-testid="backup-failures">
          {overview.failedAttempts.map((attempt) => (
            <li key={attempt.auditId}>
              <Badge tone="bad">
                {attempt.outcome === 'interrupted' ? t('failures.interrupted') : t('failures.failed')}
              </Badge>{' '}
              <LocalTime iso={attempt.startedAt} nowMs={nowMs} />
              {': '}
              {attempt.error ?? t('failures.stoppedWhileRunning')}{' '}
              <a href={`/audit?action=backup.created`} className="small">
                {t('failures.audit', { id: attempt.auditId })}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {overview.backups.length === 0 && !overview.listError ? (
        <p data-testid="backups-empty">{t('empty')}</p>
      ) : (
        <ol className={styles.list} data-testid="backups">
          {overview.backups.map((item) => (
            <BackupRow key={item.name} item={item} nowMs={nowMs} />
          ))}
        </ol>
      )}

      <h2 data-testid="backups-restoring">{t('restoring.title')}</h2>
      <p className="small">
        {t.rich('restoring.text', {
          project: overview.deployment.project,
          service: overview.deployment.dbService,
          database: overview.deployment.dbName,
          role: overview.deployment.dbUser,
          code: (chunks) => <code>{chunks}</code>,
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>
      {overview.deploymentError ? (
        <p className="small" role="alert">
          {t('restoring.dockerDown', { title: renderText(root, overview.deploymentError.title) })}
        </p>
      ) : null}

      <MediaSection media={overview.media} nowMs={nowMs} />
    </section>
  );
}
