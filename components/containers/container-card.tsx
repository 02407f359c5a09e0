'use client';

import { useTranslations } from 'next-intl';

import type { ContainerView } from '@/lib/docker/types';
import { useFormat } from '@/components/i18n/use-format';
import type { JobView } from '@/lib/jobs/types';
import { Badge } from '@/components/ui/badge';
import { RestartButton } from './restart-button';
import { HEALTH_WORDS, healthTone, isStopped, STATE_WORDS, stateTone } from './format';

function Since({ iso, now, ago = false }: { iso: string; now: number; ago?: boolean }) {
  const t = useTranslations('containers.card');
  const format = useFormat();
  const duration = format.duration(now - Date.parse(iso));
  return (
    <time dateTime={iso} title={format.dateTime(Date.parse(iso), { seconds: true })} suppressHydrationWarning>
      {ago ? t('ago', { duration }) : duration}
    </time>
  );
}

export function ContainerCard({ container, now, job }: { container: ContainerView; now: number; job?: JobView }) {
  const t = useTranslations('containers.card');
  const tRoot = useTranslations();
  const stateWord = tRoot(STATE_WORDS[container.state]);
  const healthWord = tRoot(HEALTH_WORDS[container.health]);
  const stopped = isStopped(container);
  const classes = ['container-card'];
  if (stopped) classes.push('container-stopped');
  if (container.health === 'unhealthy') classes.push('container-unhealthy');
  return (
    <article
      className={classes.join(' ')}
      data-testid={`container-${container.name}`}
      data-state={container.state}
      data-health={container.health}
      aria-label={t('label', { name: container.name, state: stateWord, health: healthWord })}
    >
      <header className="container-head">
        <h3 className="container-name">{container.name}</h3>
        <div className="badges">
          <Badge tone={stateTone(container.state)} testId="state">
            {stopped && container.exitCode !== undefined
              ? t('exitCode', { state: stateWord, code: container.exitCode })
              : stateWord}
          </Badge>
          {container.state === 'running' || container.health !== 'none' ? (
            <Badge tone={healthTone(container.health)} testId="health">
              {healthWord}
            </Badge>
          ) : null}
        </div>
      </header>
      <dl className="facts">
        <div>
          <dt>{t('image')}</dt>
          <dd className="mono" title={`${container.image}:${container.imageTag}`}>
            {container.image.split('/').at(-1)}:<strong>{container.imageTag}</strong>
          </dd>
        </div>
        {container.state === 'running' && container.startedAt ? (
          <div>
            <dt>{t('uptime')}</dt>
            <dd>
              <Since iso={container.startedAt} now={now} />
            </dd>
          </div>
        ) : null}
        {stopped && container.finishedAt ? (
          <div>
            <dt>{t('stopped')}</dt>
            <dd data-testid="finished">
              <Since iso={container.finishedAt} now={now} ago />
              {container.oomKilled ? t('oomKilled') : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('restarts')}</dt>
          <dd data-testid="restarts">{container.restartCount}</dd>
        </div>
        {container.ports.length > 0 ? (
          <div>
            <dt>{t('ports')}</dt>
            <dd className="mono">
              {container.ports
                .map((port) => `${port.hostIp || '*'}:${port.hostPort}→${port.containerPort}/${port.protocol}`)
                .join(', ')}
            </dd>
          </div>
        ) : null}
      </dl>
      {container.lastProbe ? (
        <details className="probe" open={container.health === 'unhealthy' ? undefined : false}>
          <summary>
            {t('lastProbe', { code: container.lastProbe.exitCode })}
            {container.failingStreak > 0 ? t('failingStreak', { count: container.failingStreak }) : ''}
          </summary>
          <pre className="output-block" data-testid="probe-output">
            {container.lastProbe.output || t('noOutput')}
          </pre>
        </details>
      ) : null}
      <RestartButton name={container.name} service={container.service} job={job} />
    </article>
  );
}
