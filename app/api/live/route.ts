import { requireRouteSession } from '@/lib/auth/guard';
import { liveTopics } from '@/lib/live';
import type { ContainersMessage } from '@/lib/live/messages';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;

/** The one server-sent-events stream every browser tab listens to. */
export async function GET(request: Request): Promise<Response> {
  const session = await requireRouteSession(request);
  if (session instanceof Response) return session;
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
      const unsubscribe = liveTopics().containers.subscribe((message: ContainersMessage) =>
        write(`data: ${JSON.stringify(message)}\n\n`),
      );
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
