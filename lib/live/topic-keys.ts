/**
 * The topics of the one event stream (/api/live), as the browser and the server name them. A topic is a
 * key: `containers`, `jobs`, `metrics`, or `logs:NAME` for one container's log. No zod and no server
 * imports here: the browser's stream code imports this, and its bundle stays small. The schemas that
 * check keys from a request are in lib/live/request-schemas.ts.
 */
export const LIVE_TOPIC_KINDS = ['containers', 'jobs', 'metrics', 'logs'] as const;
export type LiveTopicKind = (typeof LIVE_TOPIC_KINDS)[number];

export const LOGS_TOPIC_PREFIX = 'logs:';

export type LiveTopicKey = 'containers' | 'jobs' | 'metrics' | `${typeof LOGS_TOPIC_PREFIX}${string}`;

export function topicKind(key: LiveTopicKey): LiveTopicKind {
  return key.startsWith(LOGS_TOPIC_PREFIX) ? 'logs' : (key as LiveTopicKind);
}

export function logsTopicKey(container: string): LiveTopicKey {
  return `${LOGS_TOPIC_PREFIX}${container}`;
}

/** The container a logs topic follows (unchecked: the logs topic checks it). */
export function logsTopicContainer(key: LiveTopicKey): string {
  return key.slice(LOGS_TOPIC_PREFIX.length);
}

/** What one event of the stream carries in its data (its SSE event name is the topic's kind). */
export interface LiveEnvelope<Message = unknown> {
  topic: LiveTopicKey;
  message: Message;
}

/** The stream's first event (`event: stream`): the id to name in POST /api/live. */
export interface LiveStreamHello {
  id: string;
  topics: LiveTopicKey[];
}

/** The body of POST /api/live: the stream's topics from now on; `fresh` ones start over with their snapshot. */
export interface ChangeStreamTopics {
  stream: string;
  topics: LiveTopicKey[];
  fresh?: LiveTopicKey[];
}
