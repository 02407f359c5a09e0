import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server on loopback standing in for ntfy, Gotify or a chat bridge: it records each request's
 * method, path, headers and body, and answers as told: a status, or never (it holds the request open).
 */

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type WebhookBehaviour = { answer: number; body?: string } | { hang: true };

export interface WebhookReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** How many requests are held open right now (hang). */
  held: () => number;
  behave: (behaviour: WebhookBehaviour) => void;
  close: () => Promise<void>;
}

export async function startWebhookReceiver(initial: WebhookBehaviour = { answer: 200 }): Promise<WebhookReceiver> {
  let behaviour = initial;
  const requests: ReceivedRequest[] = [];
  const heldResponses = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if ('hang' in behaviour) {
        heldResponses.add(response);
        response.on('close', () => heldResponses.delete(response));
        return;
      }
      response.writeHead(behaviour.answer, { 'Content-Type': 'text/plain' });
      response.end(behaviour.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    held: () => heldResponses.size,
    behave: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
