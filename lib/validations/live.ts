import { z } from 'zod';

/**
 * The topics of the one event stream (/api/live), shared by the route, the stream registry and the
 * browser. A topic is named by a key: `containers`, `jobs`, `metrics`, or `logs:NAME` for one
 * container's log. NAME is checked by the logs topic itself (it answers a bad or foreign name with a
 * "refused" message), so that the log view shows why, as it always has.
 */
export const LIVE_TOPIC_KINDS = ['containers', 'jobs', 'metrics', 'logs'] as const;
export type LiveTopicKind = (typeof LIVE_TOPIC_KINDS)[number];

const LOGS_PREFIX = 'logs:';
export const MAX_STREAM_TOPICS = 32;

export const liveTopicKeySchema = z.union([
  z.enum(['containers', 'jobs', 'metrics']),
  z
    .string()
    .max(LOGS_PREFIX.length + 200)
    .refine((key) => key.startsWith(LOGS_PREFIX) && key.length > LOGS_PREFIX.length, 'Not a topic: containers, jobs, metrics or logs:NAME'),
]);
export type LiveTopicKey = z.infer<typeof liveTopicKeySchema>;

const topicListSchema = z
  .array(liveTopicKeySchema)
  .max(MAX_STREAM_TOPICS)
  .transform((keys) => [...new Set(keys)]);

/** Opening the stream: GET /api/live?topics=containers,jobs (each key URI-encoded). No topics is allowed. */
export const openStreamQuerySchema = z
  .string()
  .max(4_000)
  .transform((value, ctx) => {
    try {
      return value === '' ? [] : value.split(',').map((key) => decodeURIComponent(key));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Not a list of topics' });
      return z.NEVER;
    }
  })
  .pipe(topicListSchema);

/** Changing a stream's topics: POST /api/live. `fresh` topics that stay are joined again, so they start over with their snapshot. */
export const changeStreamTopicsSchema = z
  .object({
    stream: z.string().uuid(),
    topics: topicListSchema,
    fresh: topicListSchema.default([]),
  })
  .strict();
export type ChangeStreamTopics = z.input<typeof changeStreamTopicsSchema>;

export function topicKind(key: LiveTopicKey): LiveTopicKind {
  return key.startsWith(LOGS_PREFIX) ? 'logs' : (key as LiveTopicKind);
}

export function logsTopicKey(container: string): LiveTopicKey {
  return `${LOGS_PREFIX}${container}`;
}

/** The container a logs topic follows (unchecked: the logs topic checks it). */
export function logsTopicContainer(key: LiveTopicKey): string {
  return key.slice(LOGS_PREFIX.length);
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
