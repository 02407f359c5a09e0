import 'server-only';

import { listRecentJobs } from '../jobs';
import { processSingleton } from '../process/singleton';
import { LIVE_STREAMS_SLOT } from './shutdown';
import { liveTopics } from './index';
import { followContainerLogs } from './log-follows';
import { LiveStreams } from './streams';
import { logsTopicContainer, topicKind, type LiveTopicKey } from './topic-keys';

/**
 * The registry of topic keys: which topic carries each key. Jobs start with the recent ones, so nothing
 * emitted before joining is missed.
 */
export function subscribeTopic(key: LiveTopicKey, send: (message: unknown) => void): () => void {
  switch (topicKind(key)) {
    case 'containers':
      return liveTopics().containers.subscribe(send);
    case 'jobs': {
      const leave = liveTopics().jobs.subscribe(send);
      for (const job of listRecentJobs().reverse()) send({ type: 'job', job });
      return leave;
    }
    case 'metrics':
      return liveTopics().metrics.subscribe(send);
    case 'logs':
      // The name is validated and resolved among the project's containers; anything else gets one "refused" message.
      return followContainerLogs(logsTopicContainer(key), send);
  }
}

/** The process-wide stream registry (one, although Next may load this module in several bundles). */
export function liveStreams(): LiveStreams {
  return processSingleton(LIVE_STREAMS_SLOT, () => new LiveStreams(subscribeTopic));
}
