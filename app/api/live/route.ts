import { z } from 'zod';

import { requireRouteSession } from '@/lib/auth/guard';
import { followContainerLogs } from '@/lib/docker/logs';
import type { LogsMessage } from '@/lib/docker/log-types';
import { jobsTopic, listRecentJobs, type JobsMessage } from '@/lib/jobs';
import { liveTopics } from '@/lib/live';
import type { ContainersMessage } from '@/lib/live/messages';
import type { MetricsLiveMessage } from '@/lib/metrics/live-types';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;
const topicSchema = z.enum(['containers', 'jobs', 'metrics', 'logs']).catch('containers');

type Subscribe = (
  send: (message: ContainersMessage | JobsMessage | MetricsLiveMessage | LogsMessage) => void,
  params: URLSearchParams,
) => () => void;

/** What each topic sends first and then follows. Jobs start with the recent ones, so nothing emitted before connecting is missed. */
const TOPICS: Record<z.infer<typeof topicSchema>, Subscribe> = {
  containers: (send) => liveTopics().containers.subscribe(send),
  jobs: (send) => {
    const unsubscribe = jobsTopic().subscribe(send);
    for (const job of listRecentJobs().reverse()) send({ type: 'job', job });
    return unsubscribe;
  },
  metrics: (send) => liveTopics().metrics.subscribe(send),
  // ?container= is validated and resolved among the project's containers; anything else gets one "refused" message.
  logs: (send, params) => followContainerLogs(params.get('container'), send),
};

/** The server-sent-events stream browser tabs listen to: ?topic=containers (default), jobs, metrics or logs (&container=NAME). */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const params = new URL(request.url).searchParams;
  const topic = topicSchema.parse(params.get('topic') ?? undefined);
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // The browser reconnects after 1 s when the stream drops; the first message after that is a fresh snapshot.
      write('retry: 1000\n\n');
      const unsubscribe = TOPICS[topic]((message) => write(`data: ${JSON.stringify(message)}\n\n`), params);
      const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(keepalive);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      request.signal.addEventListener('abort', () => cleanup());
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}
