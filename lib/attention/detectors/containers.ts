import type { ContainerView } from '../../docker/types';
import { unhealthySidekiqs, type SidekiqHealthDiagnosis } from '../../mastodon/sidekiq-health-check';
import type { Found } from '../detector';
import { text, type Text } from '../../i18n/text';

/**
 * Containers that need a look: stopped, dead, killed for memory, restarting in a loop, or unhealthy. Pure: the
 * readings come in (the live containers topic, and for an unhealthy Sidekiq the Sidekiq panel's health-check
 * diagnosis, which tells a stale check from a dead Sidekiq).
 */

/** Restarts within this long after the last start count as a loop even while the container is up right now. */
export const RESTART_LOOP_WINDOW_MS = 10 * 60_000;
export const RESTART_LOOP_COUNT = 3;

function at(iso: string | undefined): Text | string {
  return iso ? text('attention.containers.at', { at: iso.replace(/\.\d+Z$/, 'Z') }) : '';
}

function probeText(container: ContainerView): Text | string {
  const probe = container.lastProbe;
  if (!probe) return '';
  const output = probe.output.trim();
  return output === ''
    ? text('attention.containers.probeExited', { code: probe.exitCode })
    : text('attention.containers.probeSaid', { output: output.slice(-200) });
}

function restart(container: ContainerView): Found['fix'] {
  return { kind: 'restart', container: container.name, service: container.service };
}

function staleCheckFinding(container: ContainerView, diagnosis: SidekiqHealthDiagnosis): Found {
  const stale = diagnosis.kind === 'stale_check';
  const line = diagnosis.fix?.line ?? diagnosis.fix?.agnosticLine;
  return {
    key: `container.stale-healthcheck:${container.name}`,
    severity: 'warning',
    title: text(stale ? 'attention.containers.staleCheck.title' : 'attention.containers.staleCheck.titleUnhealthy', {
      service: container.service,
    }),
    evidence:
      diagnosis.heartbeatAgeSeconds === undefined
        ? text('attention.containers.staleCheck.evidence', { name: container.name })
        : text('attention.containers.staleCheck.evidenceAge', {
            name: container.name,
            seconds: Math.round(diagnosis.heartbeatAgeSeconds),
          }),
    detail: diagnosis.message,
    ...(line && diagnosis.fix
      ? {
          fix: {
            kind: 'command',
            command: line,
            where: text('attention.where.healthcheck', { service: diagnosis.service, apply: diagnosis.fix.apply }),
          },
        }
      : {}),
  };
}

export function containerFindings(
  containers: readonly ContainerView[],
  options: { nowMs: number; sidekiqHealth?: readonly SidekiqHealthDiagnosis[] },
): Found[] {
  const findings: Found[] = [];
  for (const container of containers) {
    const { name, service } = container;
    if (container.state === 'exited' || container.state === 'dead') {
      const how =
        container.state === 'dead'
          ? text('attention.containers.stopped.dead')
          : container.exitCode === undefined
            ? text('attention.containers.stopped.exited')
            : text('attention.containers.stopped.exitedCode', { code: container.exitCode });
      findings.push({
        key: `container.${container.oomKilled ? 'oom-killed' : 'stopped'}:${name}`,
        severity: 'critical',
        title: container.oomKilled
          ? text('attention.containers.stopped.oomTitle', { service })
          : text(
              container.state === 'dead'
                ? 'attention.containers.stopped.titleDead'
                : 'attention.containers.stopped.titleExited',
              { service },
            ),
        evidence: text(
          container.oomKilled ? 'attention.containers.stopped.evidenceOom' : 'attention.containers.stopped.evidence',
          { name, how, at: at(container.finishedAt) },
        ),
        fix: restart(container),
      });
    } else if (container.state === 'restarting') {
      findings.push({
        key: `container.restart-loop:${name}`,
        severity: 'critical',
        title: text('attention.containers.loop.title', { service }),
        evidence: text('attention.containers.loop.evidence', {
          name,
          count: container.restartCount,
          exit:
            container.exitCode === undefined
              ? ''
              : text('attention.containers.loop.lastExit', { code: container.exitCode }),
          oom: container.oomKilled ? text('attention.containers.loop.oom') : '',
        }),
        fix: {
          kind: 'command',
          command: `docker logs --tail 50 ${name}`,
          where: text('attention.where.whyExits'),
        },
      });
    } else if (container.state === 'created' || container.state === 'paused') {
      findings.push({
        key: `container.${container.state}:${name}`,
        severity: 'warning',
        title: text(
          container.state === 'created' ? 'attention.containers.created.title' : 'attention.containers.paused.title',
          { service },
        ),
        evidence: text(
          container.state === 'created'
            ? 'attention.containers.created.evidence'
            : 'attention.containers.paused.evidence',
          { name },
        ),
        fix:
          container.state === 'paused'
            ? { kind: 'command', command: `docker unpause ${name}`, where: text('attention.where.host') }
            : restart(container),
      });
    } else if (container.state === 'running') {
      const startedMs = container.startedAt ? Date.parse(container.startedAt) : Number.NaN;
      if (container.restartCount >= RESTART_LOOP_COUNT && options.nowMs - startedMs < RESTART_LOOP_WINDOW_MS) {
        findings.push({
          key: `container.restart-loop:${name}`,
          severity: 'warning',
          title: text('attention.containers.keepsRestarting.title', { service }),
          evidence: text('attention.containers.keepsRestarting.evidence', {
            name,
            count: container.restartCount,
            at: at(container.startedAt),
            oom: container.oomKilled ? text('attention.containers.keepsRestarting.oom') : '',
          }),
          fix: {
            kind: 'command',
            command: `docker logs --tail 50 ${name}`,
            where: text('attention.where.whyExited'),
          },
        });
      }
      if (container.health === 'unhealthy') {
        const diagnosis = options.sidekiqHealth?.find((d) => d.containers.includes(name));
        findings.push(
          diagnosis
            ? staleCheckFinding(container, diagnosis)
            : {
                key: `container.unhealthy:${name}`,
                severity: 'warning',
                title: text('attention.containers.unhealthy.title', { service }),
                evidence: text('attention.containers.unhealthy.evidence', {
                  name,
                  count: container.failingStreak,
                  probe: probeText(container),
                }),
                fix: restart(container),
              },
        );
      }
    }
  }
  return findings;
}

/** Whether the Sidekiq health-check diagnosis is needed: some sidekiq container is running but unhealthy. */
export function hasUnhealthySidekiq(containers: readonly ContainerView[]): boolean {
  return unhealthySidekiqs(containers).length > 0;
}
