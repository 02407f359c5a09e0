import 'server-only';

import { getConfig } from '../config';
import { listProjectContainers } from '../docker/containers';
import type { ContainerWatcher } from '../docker/container-watch';
import { dockerUnavailable } from '../docker/errors';
import type { ContainerView } from '../docker/types';
import { onJobChange, type JobsMessage } from '../jobs';
import { LiveStatsSampler } from '../metrics/live-sampler';
import type { MetricsLiveMessage } from '../metrics/live-types';
import { processSingleton } from '../process/singleton';
import { ContainersSource } from './containers-source';
import { LiveTopic, type LiveSource } from './hub';
import type { ContainersMessage } from './messages';

/**
 * The live registry: the topics that run once per process and the sources behind them. Sources (lib/docker,
 * lib/jobs, lib/metrics) export plain classes and functions and import nothing from lib/live; this folder
 * wires them to the hub. stream-topics.ts maps a topic key of the event stream to its topic here, and
 * log-follows.ts keeps the per-container log topics.
 */
interface Topics {
  containersSource: ContainersSource;
  containers: LiveTopic<ContainersMessage>;
  metricsSampler: LiveStatsSampler;
  metrics: LiveTopic<MetricsLiveMessage>;
  jobs: LiveTopic<JobsMessage>;
}

/** Relays job changes (lib/jobs) while a browser watches; nothing runs for it, and it has no snapshot. */
class JobsSource implements LiveSource<JobsMessage> {
  private leave: (() => void) | undefined;
  start(emit: (message: JobsMessage) => void): void {
    this.leave?.();
    this.leave = onJobChange(emit);
  }
  stop(): void {
    this.leave?.();
    this.leave = undefined;
  }
  snapshot(): JobsMessage | undefined {
    return undefined;
  }
}

/** The process-wide topics (one set although Next may load this module in several bundles). */
export function liveTopics(): Topics {
  return processSingleton('live.topics', () => {
    const containersSource = new ContainersSource();
    const metricsSampler = new LiveStatsSampler();
    return {
      containersSource,
      containers: new LiveTopic(containersSource),
      metricsSampler,
      metrics: new LiveTopic(metricsSampler),
      jobs: new LiveTopic(new JobsSource()),
    };
  });
}

/**
 * The project's containers as the containers topic sees them (Docker events), for code in lib/docker that
 * must wait for a container without importing this hub: log follows and restarts.
 */
export const watchProjectContainers: ContainerWatcher = (onViews) =>
  liveTopics().containers.subscribe((message) => {
    if (message.type === 'snapshot') onViews(message.containers);
    else if (message.type === 'container') onViews([message.container]);
  });

/**
 * The project's containers for panels that only read them, from the live topic: its copy is kept current
 * by Docker's events, so while it runs a read costs no Docker call. When it is not running, the read
 * starts it (one event subscription, one listing) and it stays for the topic's grace period after the
 * last reader, as it does after the last browser. When Docker fails, or the topic follows another
 * configuration (tests switch it), one plain listing answers, with Docker's own error; when Docker does
 * not answer within DOCKER_TIMEOUT_MS, "Docker is not answering". Actions list for themselves, never
 * from here.
 */
export async function currentProjectContainers(): Promise<ContainerView[]> {
  const { containers: topic, containersSource: source } = liveTopics();
  const ready = source.follows() ? source.snapshot() : undefined;
  if (ready?.type === 'snapshot' && ready.docker.ok) return ready.containers;
  if (source.follows() || !topic.isRunning) {
    const { docker } = getConfig();
    // Borrow the topic until its first state: a hung daemon then fails the read once, not twice.
    const state = await topic.nextMatching(
      (message) => message.type === 'snapshot' || message.type === 'docker',
      docker.timeoutMs,
    );
    if (!state) throw dockerUnavailable({ code: 'ETIMEDOUT' }, docker);
    if (state.type === 'snapshot' && state.docker.ok && source.follows()) return state.containers;
  }
  return listProjectContainers();
}
