import 'server-only';

import { listAudit } from '../audit';
import { text } from '../i18n/text';
import type { ContainerView } from '../docker/types';
import type { RestartMarker } from './types';

/** A Docker start up to this long after a dashboard restart finished is that restart, not a second one. */
const SAME_RESTART_SLACK_MS = 5_000;

/**
 * Restarts inside the window, to explain jumps on the time axis: the dashboard's own restarts from the
 * audit log, and each container's last start as Docker reports it (a crash, a deploy, a restart from
 * the command line).
 */
export function restartMarkers(
  window: { fromMs: number; toMs: number },
  containers: readonly ContainerView[],
): RestartMarker[] {
  const markers: RestartMarker[] = [];
  /** When each dashboard restart ran, to recognise the Docker start it caused. */
  const ran: Array<{ service: string; fromMs: number; toMs: number }> = [];
  const inWindow = (t: number) => t >= window.fromMs && t <= window.toMs;
  for (const record of listAudit({ action: 'container.restarted', outcome: 'succeeded', limit: 500 })) {
    const atMs = Date.parse(record.startedAt);
    if (!inWindow(atMs)) continue;
    const container = containers.find((c) => c.name === record.target || c.id.startsWith(record.target ?? '\0'));
    const service =
      container?.service ??
      (record.target?.startsWith('mastodon (') ? 'web, streaming, sidekiq' : (record.target ?? '?'));
    markers.push({
      atMs,
      service,
      source: 'audit',
      label: text('graphs.markers.restarted', { target: record.target ?? service }),
    });
    const finishedMs = record.finishedAt ? Date.parse(record.finishedAt) : atMs;
    ran.push({ service, fromMs: atMs, toMs: finishedMs + SAME_RESTART_SLACK_MS });
  }
  for (const container of containers) {
    const startedMs = container.startedAt ? Date.parse(container.startedAt) : NaN;
    if (!Number.isFinite(startedMs) || !inWindow(startedMs)) continue;
    const explained = ran.some(
      (r) =>
        startedMs >= r.fromMs &&
        startedMs <= r.toMs &&
        (r.service === container.service || r.service.includes(container.service)),
    );
    if (!explained)
      markers.push({
        atMs: startedMs,
        service: container.service,
        source: 'docker',
        label: text('graphs.markers.started', { name: container.name }),
      });
  }
  return markers.sort((a, b) => a.atMs - b.atMs);
}
