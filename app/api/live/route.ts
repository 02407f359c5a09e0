import { requireRouteSession } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';
import { liveStreams } from '@/lib/live/stream-topics';
import { topicKind, type LiveEnvelope, type LiveStreamHello } from '@/lib/live/topic-keys';
import { changeStreamTopicsSchema, openStreamQuerySchema } from '@/lib/live/request-schemas';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;

/**
 * The one event stream of a browser: GET /api/live?topics=containers,jobs opens it. Its first event
 * (`event: stream`) names its id; every other event is named after its topic's kind (`containers`,
 * `jobs`, `metrics`, `logs`) and carries `{ topic, message }`. POST /api/live changes its topics.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  const topics = openStreamQuerySchema.safeParse(new URL(request.url).searchParams.get('topics') ?? '');
  if (!topics.success) {
    return Response.json(
      {
        error: { code: 'invalid_input', title: 'Not a list of topics', detail: topics.error.issues[0]?.message ?? '' },
      },
      { status: 422 },
    );
  }
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
      const event = (name: string, data: unknown) => write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      // The hub may hand snapshots over while the stream opens: they wait until the stream's id went first.
      const early: LiveEnvelope[] = [];
      let named = false;
      const deliver = (envelope: LiveEnvelope) =>
        named ? event(topicKind(envelope.topic), envelope) : early.push(envelope);
      const stream = liveStreams().open(session.idHash, deliver, topics.data, () => cleanup());
      write('retry: 1000\n\n');
      event('stream', { id: stream.id, topics: liveStreams().topicsOf(stream.id) } satisfies LiveStreamHello);
      named = true;
      for (const envelope of early) event(topicKind(envelope.topic), envelope);
      const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(keepalive);
        stream.close();
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
      // A stream ends only when it is over (logout, shutdown): its connection goes with it, instead of idling as
      // a keep-alive socket that a graceful server close would wait for.
      Connection: 'close',
    },
  });
}

/**
 * Sets the topics of one of this session's streams: `{ stream, topics, fresh? }`. A short request, guarded
 * as every mutation.
 */
export async function POST(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    body = undefined;
  }
  const change = changeStreamTopicsSchema.safeParse(body);
  if (!change.success) {
    return Response.json(
      { error: { code: 'invalid_input', title: 'Not a topic change', detail: change.error.issues[0]?.message ?? '' } },
      { status: 422 },
    );
  }
  try {
    return Response.json({ topics: liveStreams().change(session.idHash, change.data) });
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found')
      return Response.json({ error: error.toView() }, { status: 404 });
    throw error;
  }
}
