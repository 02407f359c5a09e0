import { request, type ClientRequest } from 'node:http';

/** One event of the dashboard's stream: its SSE name and parsed data. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface OpenedStream {
  events: StreamEvent[];
  errors: string[];
  status: number | undefined;
  /** The first event (already received or still to come) that `match` accepts, or a rejection after `timeoutMs`. */
  next(match: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
}

/** Splits server-sent-events text into complete events; returns them and the unfinished rest. */
export function parseEventBlocks(buffer: string): { events: StreamEvent[]; rest: string } {
  const events: StreamEvent[] = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) !== -1) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const lines = block.split('\n');
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .join('\n');
    if (!data) continue;
    const name =
      lines
        .find((line) => line.startsWith('event:'))
        ?.slice(6)
        .trim() ?? 'message';
    events.push({ event: name, data: JSON.parse(data) as unknown });
  }
  return { events, rest };
}

/** GET /api/live?topics=… as a browser's stream would, collecting its events. */
export function openEventStream(port: number, cookie: string, topics: string[]): OpenedStream {
  const waiters = new Set<{ match: (event: StreamEvent) => boolean; resolve: (event: StreamEvent) => void }>();
  const opened: OpenedStream & { request?: ClientRequest } = {
    events: [],
    errors: [],
    status: undefined,
    next(match, timeoutMs = 10_000) {
      const known = opened.events.find(match);
      if (known) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (event: StreamEvent) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`no matching event within ${timeoutMs} ms; got ${opened.events.map((e) => e.event).join(', ')}`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      opened.request?.destroy();
    },
  };
  const path = `/api/live?topics=${topics.map((topic) => encodeURIComponent(topic)).join(',')}`;
  opened.request = request(
    { host: '127.0.0.1', port, path, headers: { cookie, host: `127.0.0.1:${port}` } },
    (response) => {
      opened.status = response.statusCode;
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const parsed = parseEventBlocks(buffer + chunk);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          opened.events.push(event);
          for (const waiter of waiters) {
            if (waiter.match(event)) {
              waiters.delete(waiter);
              waiter.resolve(event);
            }
          }
        }
      });
      response.on('end', () => opened.errors.push('the stream ended'));
      response.on('error', (error) => opened.errors.push(error.message));
    },
  );
  opened.request.on('error', (error) => opened.errors.push(error.message));
  opened.request.end();
  return opened;
}
