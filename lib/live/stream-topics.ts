import 'server-only';

import { followContainerLogs } from '../docker/logs';
import { jobsTopic, listRecentJobs } from '../jobs';
import { logsTopicContainer, topicKind, type LiveTopicKey } from './topic-keys';
import { liveTopics } from './index';
import { LiveStreams } from './streams';

/** How each topic kind starts and follows. Jobs start with the recent ones, so nothing emitted before joining is missed. */
export function subscribeTopic(key: LiveTopicKey, send: (message: unknown) => void): () => void {
  switch (topicKind(key)) {
    case 'containers':
      return liveTopics().containers.subscribe(send);
    case 'jobs': {
      const leave = jobsTopic().subscribe(send);
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

const STREAMS = Symbol.for('mastodash.live.streams');

/** The process-wide stream registry; on globalThis because Next may load this module in several bundles. */
export function liveStreams(): LiveStreams {
  const holder = globalThis as { [STREAMS]?: LiveStreams };
  holder[STREAMS] ??= new LiveStreams(subscribeTopic);
  return holder[STREAMS];
}
