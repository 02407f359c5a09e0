import 'server-only';

import { listAudit } from '../audit';
import type { ContainerView } from '../docker/types';
import type { RestartMarker } from './types';

/** A Docker start within this long after a dashboard restart is that restart, not a second one. */
const SAME_RESTART_MS = 3 * 60_000;

/**
 * Restarts inside the window, to explain jumps on the time axis: the dashboard's own restarts from the
 * audit log, and each container's last start as Docker reports it (a crash, a deploy, a restart from
 * the command line).
 */
export function restartMarkers(window: { fromMs: number; toMs: number }, containers: readonly ContainerView[]): RestartMarker[] {
  const markers: RestartMarker[] = [];
  const inWindow = (t: number) => t >= window.fromMs && t <= window.toMs;
  for (const record of listAudit({ action: 'container.restarted', outcome: 'succeeded', limit: 500 })) {
    const atMs = Date.parse(record.startedAt);
    if (!inWindow(atMs)) continue;
    const container = containers.find((c) => c.name === record.target || c.id.startsWith(record.target ?? '\0'));
    const service = container?.service ?? (record.target?.startsWith('mastodon (') ? 'web, streaming, sidekiq' : (record.target ?? '?'));
    markers.push({ atMs, service, source: 'audit', label: `Restarted from the dashboard: ${record.target ?? service}` });
  }
  for (const container of containers) {
    const startedMs = container.startedAt ? Date.parse(container.startedAt) : NaN;
    if (!Number.isFinite(startedMs) || !inWindow(startedMs)) continue;
    const explained = markers.some(
      (m) => m.source === 'audit' && startedMs >= m.atMs && startedMs - m.atMs <= SAME_RESTART_MS && (m.service === container.service || m.service.includes(container.service)),
    );
    if (!explained) markers.push({ atMs: startedMs, service: container.service, source: 'docker', label: `${container.name} started (Docker)` });
  }
  return markers.sort((a, b) => a.atMs - b.atMs);
}
