import { isSlow, SLOW_LATENCY_SECONDS } from '../../mastodon/sidekiq-latency';
import type { SidekiqReport } from '../../mastodon/sidekiq-report';
import { text } from '../../i18n/text';
import type { Found } from '../detector';
import { joinTexts, names } from '../words';

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
        title: text('attention.sidekiq.noProcesses.title'),
        evidence:
          report.goneProcesses > 0
            ? text('attention.sidekiq.noProcesses.evidenceGone', { redis: report.redis, count: report.goneProcesses })
            : text('attention.sidekiq.noProcesses.evidence', { redis: report.redis }),
        detail: warning.message,
        fix: { kind: 'command', command: UP, where: text('attention.where.mastodonDirAfterLog') },
      });
    } else if (warning.code === 'missing_queues') {
      findings.push({
        key: 'sidekiq.missing-queues',
        severity: 'warning',
        title: text('attention.sidekiq.missingQueues.title', { queues: names(report.missingQueues) }),
        evidence: text('attention.sidekiq.missingQueues.evidence', { queues: names(report.missingQueues) }),
        detail: warning.message,
      });
    } else if (warning.code === 'quiet_processes') {
      findings.push({
        key: 'sidekiq.quiet',
        severity: 'warning',
        title: text('attention.sidekiq.quiet.title'),
        evidence: warning.message,
      });
    }
  }
  const slow = report.queues.filter((queue) => isSlow(queue.latencySeconds));
  if (slow.length > 0) {
    findings.push({
      key: 'sidekiq.slow-queues',
      severity: 'warning',
      title: text('attention.sidekiq.slow.title', { queues: names(slow.map((queue) => queue.name)) }),
      evidence: text('attention.sidekiq.slow.evidence', {
        queues:
          joinTexts(
            slow.map((queue) =>
              text('attention.sidekiq.slow.queue', {
                name: queue.name,
                size: queue.size,
                seconds: Math.round(queue.latencySeconds ?? 0),
              }),
            ),
            'semicolon',
          ) ?? '',
        limit: SLOW_LATENCY_SECONDS,
      }),
      fix: { kind: 'link', href: '/#sidekiq-title', label: text('attention.links.sidekiq') },
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
      title: text('attention.sidekiq.dead.title'),
      evidence: text('attention.sidekiq.dead.evidence', { from: lowest.dead, to: now.dead, minutes }),
      detail: text('attention.sidekiq.dead.detail'),
      fix: { kind: 'link', href: '/logs', label: text('attention.links.logs') },
    },
  ];
}
