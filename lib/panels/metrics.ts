import 'server-only';

import { getConfig } from '../config';
import { SERVICE_ORDER } from '../docker/grouping';
import type { ContainerView } from '../docker/types';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { text } from '../i18n/text';
import { liveTopics } from '../live';
import { loadInfluxGraphs, loadInfluxHeadline } from '../metrics/influx-source';
import { LIVE_WINDOW_MS } from '../metrics/live-sampler';
import type { LiveSample } from '../metrics/live-types';
import { liveHeadline, liveMetricsView } from '../metrics/live-view';
import { restartMarkers } from '../metrics/markers';
import { resolveRange } from '../metrics/range';
import type { HeadlineView, MetricsView } from '../metrics/types';
import type { MetricsRangeInput } from '../validations/metrics';
import { containersPanel } from './containers';
import { runPanel, type PanelResult } from './panel';

/**
 * Only an InfluxDB that cannot be reached hands over to the live numbers; a refusal or an empty range is
 * the answer.
 */
function fallsBackToLive(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'influx_unreachable';
}

function liveSamples(): LiveSample[] {
  const snapshot = liveTopics().metricsSampler.snapshot();
  return snapshot?.type === 'window' ? snapshot.samples : [];
}

async function projectContainers(): Promise<ContainerView[]> {
  const containers = await containersPanel();
  return containers.ok ? containers.data.containers : [];
}

function liveView(nowMs: number, influxError?: ErrorView): MetricsView {
  const view = liveMetricsView(liveSamples(), {
    intervalMs: getConfig().metricsIntervalMs,
    windowMs: LIVE_WINDOW_MS,
    reason: influxError ? 'influx_failed' : 'not_configured',
    nowMs,
    serviceOrder: SERVICE_ORDER,
  });
  return influxError ? { ...view, influxError } : view;
}

/** The graphs: InfluxDB's history for the range, or the live sampler's window when InfluxDB is absent or down. */
export function graphsPanel(
  input: MetricsRangeInput,
  options: { withNetwork?: boolean } = {},
): Promise<PanelResult<MetricsView>> {
  const config = getConfig();
  return runPanel(text('errors.panels.influx'), config.influx.timeoutMs * 3 + 1_000, async () => {
    const nowMs = Date.now();
    if (!config.influx.url) return liveView(nowMs);
    const range = resolveRange(input, nowMs);
    const [graphs, containers] = await Promise.all([
      loadInfluxGraphs(range, {
        project: config.composeProject,
        serviceOrder: SERVICE_ORDER,
        withNetwork: options.withNetwork ?? true,
      }).catch((error: unknown) => {
        if (fallsBackToLive(error)) return error;
        throw error;
      }),
      projectContainers(),
    ]);
    if (graphs instanceof AppError) return liveView(nowMs, graphs.toView());
    const notices = [
      ...graphs.notices,
      ...stoppedNotices(graphs.charts, containers, range.toMs, Math.max(range.intervalMs, config.metricsIntervalMs)),
    ];
    return {
      source: graphs.source,
      range,
      charts: graphs.charts,
      markers: restartMarkers(range, containers),
      notices,
      refreshMs: config.metricsIntervalMs,
    };
  });
}

/**
 * Telegraf records only running containers: a stopped one's lines simply end. Say so, with Docker's view
 * of the container when we have it, instead of letting the chart look like a flat or missing service.
 */
export function stoppedNotices(
  charts: MetricsView['charts'],
  containers: readonly ContainerView[],
  toMs: number,
  staleAfterMs: number,
): MetricsView['notices'] {
  const memory = charts.find((chart) => chart.id === 'service-memory');
  if (!memory) return [];
  const notices: MetricsView['notices'] = [];
  const services = new Set([...memory.series.map((s) => s.key), ...containers.map((c) => c.service)]);
  for (const service of services) {
    const series = memory.series.find((s) => s.key === service);
    const docker = containers.filter((c) => c.service === service);
    const notRunning = docker.length > 0 && docker.every((c) => c.state !== 'running');
    const state = notRunning
      ? text('graphs.notices.dockerState', { states: docker.map((c) => c.state).join(', ') })
      : '';
    if (!series?.lastSeenMs) {
      if (docker.length > 0) {
        notices.push({
          level: 'warning',
          text: text('graphs.notices.serviceNoData', { service, state }),
        });
      }
      continue;
    }
    const silentMs = toMs - series.lastSeenMs;
    if (silentMs > 3 * staleAfterMs) {
      const minutes = Math.round(silentMs / 60_000);
      notices.push({
        level: 'warning',
        text: text('graphs.notices.serviceSilent', {
          service,
          silent:
            minutes < 120
              ? text('graphs.notices.minutes', { count: minutes })
              : text('graphs.notices.hours', { count: Math.round(minutes / 60) }),
          state,
        }),
      });
    }
  }
  return notices;
}

/** The home page's headline: RAM, CPU, load and the biggest memory user, each with its last hour. */
export function headlinePanel(): Promise<PanelResult<HeadlineView>> {
  const config = getConfig();
  return runPanel(text('errors.panels.metrics'), config.influx.timeoutMs * 2 + 1_000, async () => {
    const live = (influxError?: ErrorView): HeadlineView => {
      const view = {
        ...liveHeadline(liveSamples(), influxError ? 'influx_failed' : 'not_configured', LIVE_WINDOW_MS),
        refreshMs: config.metricsIntervalMs,
      };
      return influxError ? { ...view, influxError } : view;
    };
    if (!config.influx.url) return live();
    try {
      const view = await loadInfluxHeadline({ project: config.composeProject, serviceOrder: SERVICE_ORDER });
      return { ...view, refreshMs: config.metricsIntervalMs };
    } catch (error) {
      if (fallsBackToLive(error)) return live(toErrorView(error));
      throw error;
    }
  });
}
