import 'server-only';

import { listProjectContainers } from '../docker/containers';
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
 * The project's containers for panels that only read them: the live source's copy while browsers watch
 * (kept current by Docker's events, so it costs no call), else one listing.
 */
export async function currentProjectContainers(): Promise<ContainerView[]> {
  const snapshot = liveTopics().containersSource.snapshot();
  if (snapshot?.type === 'snapshot' && snapshot.docker.ok) return snapshot.containers;
  return listProjectContainers();
}
