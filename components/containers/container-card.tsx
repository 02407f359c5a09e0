'use client';

import type { ContainerView } from '@/lib/docker/types';
import type { JobView } from '@/lib/jobs/types';
import { Badge } from '@/components/ui/badge';
import { RestartButton } from './restart-button';
import { formatDuration, HEALTH_WORDS, healthTone, isStopped, STATE_WORDS, stateTone } from './format';

function Since({ iso, now, prefix, suffix = '' }: { iso: string; now: number; prefix: string; suffix?: string }) {
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()} suppressHydrationWarning>
      {prefix}
      {formatDuration(now - Date.parse(iso))}
      {suffix}
    </time>
  );
}

export function ContainerCard({ container, now, job }: { container: ContainerView; now: number; job?: JobView }) {
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
      aria-label={`${container.name}: ${STATE_WORDS[container.state]}, ${HEALTH_WORDS[container.health]}`}
    >
      <header className="container-head">
        <h3 className="container-name">{container.name}</h3>
        <div className="badges">
          <Badge tone={stateTone(container.state)} testId="state">
            {STATE_WORDS[container.state]}
            {stopped && container.exitCode !== undefined ? ` (code ${container.exitCode})` : ''}
          </Badge>
          {container.state === 'running' || container.health !== 'none' ? (
            <Badge tone={healthTone(container.health)} testId="health">
              {HEALTH_WORDS[container.health]}
            </Badge>
          ) : null}
        </div>
      </header>
      <dl className="facts">
        <div>
          <dt>Image</dt>
          <dd className="mono" title={`${container.image}:${container.imageTag}`}>
            {container.image.split('/').at(-1)}:<strong>{container.imageTag}</strong>
          </dd>
        </div>
        {container.state === 'running' && container.startedAt ? (
          <div>
            <dt>Uptime</dt>
            <dd>
              <Since iso={container.startedAt} now={now} prefix="" />
            </dd>
          </div>
        ) : null}
        {stopped && container.finishedAt ? (
          <div>
            <dt>Stopped</dt>
            <dd data-testid="finished">
              <Since iso={container.finishedAt} now={now} prefix="" suffix=" ago" />
              {container.oomKilled ? ' · killed: out of memory' : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Restarts</dt>
          <dd data-testid="restarts">{container.restartCount}</dd>
        </div>
        {container.ports.length > 0 ? (
          <div>
            <dt>Ports</dt>
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
            Last health check: exit {container.lastProbe.exitCode}
            {container.failingStreak > 0 ? `, failing ${container.failingStreak}× in a row` : ''}
          </summary>
          <pre className="output-block" data-testid="probe-output">
            {container.lastProbe.output || '(no output)'}
          </pre>
        </details>
      ) : null}
      <RestartButton name={container.name} service={container.service} job={job} />
    </article>
  );
}
