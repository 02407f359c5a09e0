import type { ContainerView } from '../../docker/types';
import { unhealthySidekiqs, type SidekiqHealthDiagnosis } from '../../mastodon/sidekiq-health-check';
import type { Found } from '../detector';

/**
 * Containers that need a look: stopped, dead, killed for memory, restarting in a loop, or unhealthy. Pure: the
 * readings come in (the live containers topic, and for an unhealthy Sidekiq the Sidekiq panel's health-check
 * diagnosis, which tells a stale check from a dead Sidekiq).
 */

/** Restarts within this long after the last start count as a loop even while the container is up right now. */
export const RESTART_LOOP_WINDOW_MS = 10 * 60_000;
export const RESTART_LOOP_COUNT = 3;

function at(iso: string | undefined): string {
  return iso ? ` at ${iso.replace(/\.\d+Z$/, 'Z')}` : '';
}

function probeText(container: ContainerView): string {
  const probe = container.lastProbe;
  if (!probe) return '';
  const output = probe.output.trim();
  return output === '' ? `; the last probe exited ${probe.exitCode}` : `; the last probe said: ${output.slice(-200)}`;
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
    title: stale
      ? `${container.service}: stale health check, Sidekiq itself runs`
      : `${container.service}: unhealthy, yet Sidekiq runs`,
    evidence:
      `Docker calls ${container.name} unhealthy, but Redis shows a live Sidekiq heartbeat` +
      (diagnosis.heartbeatAgeSeconds === undefined ? '' : ` (${Math.round(diagnosis.heartbeatAgeSeconds)} s ago)`) +
      '.',
    detail: diagnosis.message,
    ...(line && diagnosis.fix
      ? {
          fix: {
            kind: 'command',
            command: line,
            where: `docker-compose.yml, ${diagnosis.service} → healthcheck; then run ${diagnosis.fix.apply}`,
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
      const code = container.exitCode === undefined ? '' : ` with code ${container.exitCode}`;
      findings.push({
        key: `container.${container.oomKilled ? 'oom-killed' : 'stopped'}:${name}`,
        severity: 'critical',
        title: container.oomKilled ? `${service} was killed: out of memory` : `${service} is ${container.state}`,
        evidence:
          `${name} ${container.state === 'dead' ? 'is dead' : `exited${code}`}${at(container.finishedAt)}` +
          (container.oomKilled ? '; Docker reports OOMKilled (the kernel killed it for lack of memory).' : '.'),
        fix: restart(container),
      });
    } else if (container.state === 'restarting') {
      findings.push({
        key: `container.restart-loop:${name}`,
        severity: 'critical',
        title: `${service} is restarting in a loop`,
        evidence:
          `Docker has restarted ${name} ${container.restartCount} time${container.restartCount === 1 ? '' : 's'}` +
          `${container.exitCode === undefined ? '' : `; it last exited with code ${container.exitCode}`}` +
          `${container.oomKilled ? ', killed for lack of memory (OOMKilled)' : ''}.`,
        fix: { kind: 'command', command: `docker logs --tail 50 ${name}`, where: 'to see why it exits' },
      });
    } else if (container.state === 'created' || container.state === 'paused') {
      findings.push({
        key: `container.${container.state}:${name}`,
        severity: 'warning',
        title: `${service} is ${container.state === 'created' ? 'created but never started' : 'paused'}`,
        evidence: `${name} is ${container.state}.`,
        fix:
          container.state === 'paused'
            ? { kind: 'command', command: `docker unpause ${name}`, where: 'on the host' }
            : restart(container),
      });
    } else if (container.state === 'running') {
      const startedMs = container.startedAt ? Date.parse(container.startedAt) : Number.NaN;
      if (container.restartCount >= RESTART_LOOP_COUNT && options.nowMs - startedMs < RESTART_LOOP_WINDOW_MS) {
        findings.push({
          key: `container.restart-loop:${name}`,
          severity: 'warning',
          title: `${service} keeps restarting`,
          evidence:
            `Docker has restarted ${name} ${container.restartCount} times, the last${at(container.startedAt)}` +
            `${container.oomKilled ? ', after it was killed for lack of memory (OOMKilled)' : ''}.`,
          fix: { kind: 'command', command: `docker logs --tail 50 ${name}`, where: 'to see why it exited' },
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
                title: `${service} is unhealthy`,
                evidence:
                  `Docker's health check of ${name} failed ${container.failingStreak} time` +
                  `${container.failingStreak === 1 ? '' : 's'} in a row${probeText(container)}.`,
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
