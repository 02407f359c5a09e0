import { isSlow, SLOW_LATENCY_SECONDS } from '../../mastodon/sidekiq-latency';
import type { SidekiqReport } from '../../mastodon/sidekiq-report';
import { plural } from '../../mastodon/config-doctor/words';
import type { Found } from '../detector';

/**
 * Sidekiq from its Redis (the Sidekiq panel's report): no live process, required queues nobody works, queues
 * waiting longer than the panel's own "slow" rule, quieted processes, and a dead set that grows.
 */

/** The dead set counts as growing when it is larger than it was at any reading within this window. */
export const DEAD_SET_WINDOW_MS = 60 * 60_000;

export interface DeadSetReading {
  atMs: number;
  dead: number;
}

const UP = 'docker compose up -d sidekiq';

export function sidekiqFindings(report: SidekiqReport): Found[] {
  const findings: Found[] = [];
  for (const warning of report.warnings) {
    if (warning.code === 'no_processes') {
      findings.push({
        key: 'sidekiq.no-processes',
        severity: 'critical',
        title: 'No Sidekiq process is running',
        evidence:
          `No heartbeat in ${report.redis}` +
          (report.goneProcesses > 0
            ? `; ${plural(report.goneProcesses, 'registered process', 'registered processes')} stopped beating.`
            : '.'),
        detail: warning.message,
        fix: { kind: 'command', command: UP, where: 'in the Mastodon directory, after reading its log' },
      });
    } else if (warning.code === 'missing_queues') {
      findings.push({
        key: 'sidekiq.missing-queues',
        severity: 'warning',
        title: `No Sidekiq process works ${report.missingQueues.join(', ')}`,
        evidence: `Jobs in ${report.missingQueues.join(', ')} are never run.`,
        detail: warning.message,
      });
    } else if (warning.code === 'quiet_processes') {
      findings.push({
        key: 'sidekiq.quiet',
        severity: 'warning',
        title: 'A Sidekiq process takes no new jobs',
        evidence: warning.message,
      });
    }
  }
  const slow = report.queues.filter((queue) => isSlow(queue.latencySeconds));
  if (slow.length > 0) {
    findings.push({
      key: 'sidekiq.slow-queues',
      severity: 'warning',
      title: `Sidekiq is behind: ${slow.map((queue) => queue.name).join(', ')}`,
      evidence:
        slow
          .map((queue) => `${queue.name}: ${queue.size} waiting, oldest ${Math.round(queue.latencySeconds ?? 0)} s`)
          .join('; ') + ` (over ${SLOW_LATENCY_SECONDS} s).`,
      fix: { kind: 'link', href: '/#sidekiq-title', label: 'Sidekiq panel' },
    });
  }
  return findings;
}

/** Keeps the readings of the window and adds this one. */
export function rememberDeadSet(history: readonly DeadSetReading[], reading: DeadSetReading): DeadSetReading[] {
  return [...history.filter((old) => reading.atMs - old.atMs < DEAD_SET_WINDOW_MS), reading];
}

export function deadSetFindings(history: readonly DeadSetReading[]): Found[] {
  const now = history.at(-1);
  if (!now) return [];
  const lowest = history.reduce((min, reading) => (reading.dead < min.dead ? reading : min), now);
  if (now.dead <= lowest.dead) return [];
  const minutes = Math.max(1, Math.round((now.atMs - lowest.atMs) / 60_000));
  return [
    {
      key: 'sidekiq.dead-growing',
      severity: 'warning',
      title: 'Sidekiq jobs are dying',
      evidence:
        `The dead set grew from ${lowest.dead} to ${now.dead} in ${minutes} min: ` +
        'these jobs failed all their retries.',
      detail: "Sidekiq's Web UI (or `docker compose logs sidekiq`) shows which jobs and why.",
      fix: { kind: 'link', href: '/logs', label: 'Logs' },
    },
  ];
}
