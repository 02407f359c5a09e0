import 'server-only';

import { getConfig } from '../config';
import { listProjectContainers } from '../docker/containers';
import { dockerUnavailable } from '../docker/errors';
import type { ContainerView } from '../docker/types';

import { LiveStatsSampler } from '../metrics/live-sampler';
import type { MetricsLiveMessage } from '../metrics/live-types';
import { ContainersSource } from './containers-source';
import { LiveTopic } from './hub';
import type { ContainersMessage } from './messages';

const TOPICS = Symbol.for('mastodash.live.topics');

interface Topics {
  containersSource: ContainersSource;
  containers: LiveTopic<ContainersMessage>;
  metricsSampler: LiveStatsSampler;
  metrics: LiveTopic<MetricsLiveMessage>;
}

/** The process-wide topics; kept on globalThis because Next may load this module in several bundles. */
export function liveTopics(): Topics {
  const holder = globalThis as { [TOPICS]?: Topics };
  if (!holder[TOPICS]) {
    const containersSource = new ContainersSource();
    const metricsSampler = new LiveStatsSampler();
    holder[TOPICS] = {
      containersSource,
      containers: new LiveTopic(containersSource),
      metricsSampler,
      metrics: new LiveTopic(metricsSampler),
    };
  }
  return holder[TOPICS];
}

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
