import 'server-only';

import { ContainersSource } from './containers-source';
import { LiveTopic } from './hub';
import type { ContainersMessage } from './messages';

const TOPICS = Symbol.for('mastodash.live.topics');

interface Topics {
  containersSource: ContainersSource;
  containers: LiveTopic<ContainersMessage>;
}

/** The process-wide topics; kept on globalThis because Next may load this module in several bundles. */
export function liveTopics(): Topics {
  const holder = globalThis as { [TOPICS]?: Topics };
  if (!holder[TOPICS]) {
    const containersSource = new ContainersSource();
    holder[TOPICS] = { containersSource, containers: new LiveTopic(containersSource) };
  }
  return holder[TOPICS];
}
