import { z } from 'zod';

import { LOGS_TOPIC_PREFIX, type ChangeStreamTopics, type LiveTopicKey } from './topic-keys';

/**
 * What a request may name as topics of the event stream (./topic-keys.ts). The NAME of
 * `logs:NAME` is checked by the logs topic itself (it answers a bad or foreign name with a "refused"
 * message), so that the log view shows why, as it always has.
 */
export const MAX_STREAM_TOPICS = 32;

export const liveTopicKeySchema = z.union([
  z.enum(['containers', 'jobs', 'metrics']),
  z
    .string()
    .max(LOGS_TOPIC_PREFIX.length + 200)
    .refine(
      (key): key is `logs:${string}` => key.startsWith(LOGS_TOPIC_PREFIX) && key.length > LOGS_TOPIC_PREFIX.length,
      'Not a topic: containers, jobs, metrics or logs:NAME',
    ),
]) satisfies z.ZodType<LiveTopicKey>;

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

/** Changing a stream's topics: POST /api/live. */
export const changeStreamTopicsSchema = z
  .object({
    stream: z.string().uuid(),
    topics: topicListSchema,
    fresh: topicListSchema.default([]),
  })
  .strict() satisfies z.ZodType<ChangeStreamTopics, unknown>;
