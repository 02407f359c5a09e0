'use client';

import { useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';

import type { ContainerView } from '@/lib/docker/types';
import type { ErrorView } from '@/lib/errors';
import type { ContainersMessage, DockerStatus } from '@/lib/live/messages';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { useFormat } from '@/components/i18n/use-format';
import { renderText } from '@/lib/i18n/text';
import { ContainerCard } from './container-card';
import { summarize, SUMMARY_SEPARATOR } from './format';
import { groupByService } from '@/lib/docker/grouping';
import type { JobView } from '@/lib/jobs/types';
import { useJobs } from '@/components/jobs/use-jobs';
import { useLiveTopic } from '@/components/live/use-live-topic';
import { RESTART_MASTODON_TARGET, RestartMastodon } from './restart-mastodon';
import { useNow } from './use-now';

/** The newest job per target: what each card (and the panel, for "restart Mastodon") shows. */
function latestByTarget(jobs: Iterable<JobView>): Map<string, JobView> {
  const latest = new Map<string, JobView>();
  for (const job of jobs) {
    if (job.kind !== 'container.restarted') continue;
    const known = latest.get(job.target);
    if (!known || known.startedAt < job.startedAt) latest.set(job.target, job);
  }
  return latest;
}

export function LiveContainers({
  project,
  initialContainers,
  initialError,
  initialJobs,
}: {
  project: string;
  initialContainers: ContainerView[];
  initialError?: ErrorView;
  initialJobs: JobView[];
}) {
  const t = useTranslations('containers');
  const tRoot = useTranslations();
  const format = useFormat();
  const jobs = latestByTarget(useJobs(initialJobs).values());
  const [containers, setContainers] = useState(() => new Map(initialContainers.map((c) => [c.id, c])));
  const [docker, setDocker] = useState<DockerStatus>(
    initialError ? { ok: false, error: initialError, since: new Date().toISOString() } : { ok: true },
  );
  const now = useNow(5_000);

  const connection = useLiveTopic<ContainersMessage>('containers', (message) => {
    if (message.type === 'snapshot') {
      setContainers(new Map(message.containers.map((c) => [c.id, c])));
      setDocker(message.docker);
    } else if (message.type === 'container') {
      setContainers((previous) => new Map(previous).set(message.container.id, message.container));
    } else if (message.type === 'removed') {
      setContainers((previous) => {
        const next = new Map(previous);
        next.delete(message.id);
        return next;
      });
    } else {
      setDocker(message.docker);
      if (!message.docker.ok) setContainers(new Map());
    }
  });

  const groups = useMemo(() => groupByService(containers.values()), [containers]);
  const summary = summarize([...containers.values()]);
  const indicator =
    connection === 'live' && !docker.ok ? 'waiting' : connection === 'signed-out' ? 'reconnecting' : connection;

  return (
    <section className="panel" aria-labelledby="containers-title" data-testid="containers-panel">
      <header className="panel-head">
        <h2 id="containers-title">
          {t('title')} <span className="muted">{t('ofProject', { project })}</span>
        </h2>
        <span className={`live-indicator live-${indicator}`} data-testid="live-indicator" data-connection={connection}>
          {connection === 'live'
            ? docker.ok
              ? t('live.live')
              : t('live.waiting')
            : connection === 'connecting'
              ? t('live.connecting')
              : connection === 'signed-out'
                ? t('live.signedOut')
                : t('live.reconnecting')}
        </span>
      </header>
      {docker.ok ? (
        <>
          <p className="summary" data-testid="containers-summary">
            <Badge tone={summary.tone}>
              {summary.parts.map((part) => renderText(tRoot, part)).join(SUMMARY_SEPARATOR)}
            </Badge>
          </p>
          <RestartMastodon job={jobs.get(RESTART_MASTODON_TARGET)} />
          {groups.length === 0 ? (
            <p className="empty" data-testid="no-containers">
              {t('empty', { project })}
            </p>
          ) : (
            <div className="services">
              {groups.map(({ service, containers: list }) => (
                <section
                  key={service}
                  className="service"
                  data-testid={`service-${service}`}
                  aria-label={t('service', { service })}
                >
                  <h3 className="service-name">{service}</h3>
                  <div className="container-grid">
                    {list.map((container) => (
                      <ContainerCard
                        key={container.id}
                        container={container}
                        now={now}
                        job={jobs.get(container.name)}
                      />
                    ))}
                  </div>
                </section>
              ))}
            </div>
          )}
        </>
      ) : (
        <ErrorBox
          error={docker.error}
          testId="docker-error"
          note={t('unreachableFor', { duration: format.duration(now - Date.parse(docker.since)) })}
        />
      )}
    </section>
  );
}
