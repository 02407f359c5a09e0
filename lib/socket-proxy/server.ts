import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { COMPOSE_LABELS } from '../docker/labels';
import { decide, type ProxyDecision } from './policy';

export interface SocketProxyOptions {
  /** Docker's own socket. */
  upstreamSocket: string;
  /** Only this compose project's containers may be named in a call. */
  project: string;
  /** Told about every refused call (never a request body). */
  onRefused?: (method: string, url: string, reason: string) => void;
  /** Told about every call forwarded to Docker, lookups included (the cost benchmark counts them). */
  onForwarded?: (method: string, path: string) => void;
}

interface Refusal {
  status: number;
  message: string;
}

/** Labels of a container never change, so an answer for a full id is kept (bounded). */
const PROJECT_CACHE_LIMIT = 1000;
const FULL_ID = /^[a-f0-9]{64}$/;
const LOOKUP_TIMEOUT_MS = 10_000;

/**
 * A filtering proxy in front of Docker's socket, for the dashboard's container (deploy/socket-proxy):
 * it forwards the calls `decide` allows, names a container by its full id once it is known to belong
 * to the project, and answers everything else with 403 and a JSON message, as Docker reports errors.
 * Hijacked exec streams (Connection: Upgrade) are tunnelled after the same check.
 */
export function createSocketProxy(options: SocketProxyOptions): http.Server {
  const projectOf = new Map<string, string | null>();

  function upstreamJson(path: string): Promise<{ status: number; body: unknown }> {
    options.onForwarded?.('GET', path);
    return new Promise((resolve, reject) => {
      const request = http.request({ socketPath: options.upstreamSocket, path, method: 'GET', timeout: LOOKUP_TIMEOUT_MS }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          try {
            body = JSON.parse(text);
          } catch {
            body = { message: text.trim() };
          }
          resolve({ status: response.statusCode ?? 502, body });
        });
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error('Docker did not answer in time')));
      request.on('error', reject);
      request.end();
    });
  }

  /** The container's full id when it belongs to the project, else the refusal to send. */
  async function containerOfProject(ref: string): Promise<{ id: string } | Refusal> {
    const cached = FULL_ID.test(ref) ? projectOf.get(ref) : undefined;
    if (cached !== undefined) {
      return cached === options.project ? { id: ref } : notOfProject(ref);
    }
    const answer = await upstreamJson(`/containers/${ref}/json`);
    if (answer.status !== 200) return { status: answer.status, message: messageOf(answer.body) };
    const info = answer.body as { Id?: string; Config?: { Labels?: Record<string, string> | null } };
    const id = info.Id ?? '';
    const project = info.Config?.Labels?.[COMPOSE_LABELS.project] ?? null;
    if (FULL_ID.test(id)) {
      if (projectOf.size >= PROJECT_CACHE_LIMIT) projectOf.clear();
      projectOf.set(id, project);
    }
    return project === options.project && FULL_ID.test(id) ? { id } : notOfProject(ref);
  }

  function notOfProject(ref: string): Refusal {
    return { status: 403, message: `container ${ref} is not part of the compose project ${options.project}` };
  }

  /** Where to send an allowed call, or why not to. */
  async function resolve(decision: ProxyDecision, url: string): Promise<{ path: string } | Refusal> {
    switch (decision.kind) {
      case 'allow':
        return { path: url };
      case 'deny':
        return { status: 403, message: decision.reason };
      case 'container': {
        const container = await containerOfProject(decision.ref);
        if ('status' in container) return container;
        // The full id, so that a container renamed or replaced meanwhile is not the one acted on.
        return { path: `${decision.versionPrefix}/containers/${container.id}/${decision.action}${decision.query}` };
      }
      case 'exec': {
        const answer = await upstreamJson(`/exec/${decision.id}/json`);
        if (answer.status !== 200) return { status: answer.status, message: messageOf(answer.body) };
        const containerId = (answer.body as { ContainerID?: string }).ContainerID ?? '';
        const container = await containerOfProject(containerId);
        return 'status' in container ? container : { path: url };
      }
    }
  }

  async function route(request: IncomingMessage): Promise<{ path: string } | Refusal> {
    const method = request.method ?? '';
    const url = request.url ?? '';
    const decision = decide(method, url, options.project);
    let outcome: { path: string } | Refusal;
    try {
      outcome = await resolve(decision, url);
    } catch (error) {
      return { status: 502, message: `Docker behind the socket proxy did not answer: ${(error as Error).message}` };
    }
    if ('status' in outcome && outcome.status === 403) {
      options.onRefused?.(method, url.split('?')[0] ?? url, outcome.message);
      return { status: 403, message: `mastodash socket proxy: ${method} ${url.split('?')[0]} refused: ${outcome.message}` };
    }
    return outcome;
  }

  function forwardRequest(request: IncomingMessage, response: ServerResponse): void {
    void route(request).then((outcome) => {
      if ('status' in outcome) {
        request.resume();
        sendJson(response, outcome.status, { message: outcome.message });
        return;
      }
      options.onForwarded?.(request.method ?? '', outcome.path);
      const upstream = http.request(
        { socketPath: options.upstreamSocket, method: request.method, path: outcome.path, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', (error) => {
        if (!response.headersSent) {
          sendJson(response, 502, { message: `Docker behind the socket proxy did not answer: ${error.message}` });
        } else {
          response.destroy();
        }
      });
      // An event or log stream ends when the dashboard stops reading it.
      response.on('close', () => upstream.destroy());
      request.pipe(upstream);
    });
  }

  function forwardUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    void route(request).then(async (outcome) => {
      if ('status' in outcome) {
        writeRawJson(socket, outcome.status, { message: outcome.message });
        return;
      }
      const length = Number(request.headers['content-length'] ?? '0');
      if (!Number.isSafeInteger(length) || length < 0 || length > 1_000_000 || request.headers['transfer-encoding']) {
        writeRawJson(socket, 400, { message: 'mastodash socket proxy: an upgrade request needs a Content-Length body' });
        return;
      }
      const { body, rest } = await readExactly(socket, head, length);
      options.onForwarded?.(request.method ?? '', outcome.path);
      const upstream = http.request({ socketPath: options.upstreamSocket, method: request.method, path: outcome.path, headers: request.headers });
      upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
        socket.write(statusLine(answer, 101) + headerLines(answer.rawHeaders) + '\r\n');
        if (upstreamHead.length > 0) socket.write(upstreamHead);
        if (rest.length > 0) upstreamSocket.write(rest);
        upstreamSocket.pipe(socket);
        socket.pipe(upstreamSocket);
        upstreamSocket.on('error', () => socket.destroy());
        socket.on('close', () => upstreamSocket.destroy());
        upstreamSocket.on('close', () => socket.destroy());
      });
      // Docker did not switch protocols (an error, say): pass its answer on and close, so that nothing
      // else is ever sent on this connection without a check.
      upstream.on('response', (answer) => {
        socket.write(statusLine(answer, answer.statusCode ?? 502) + headerLines(answer.rawHeaders, ['connection', 'keep-alive']) + 'Connection: close\r\n\r\n');
        answer.pipe(socket);
      });
      upstream.on('error', (error) => writeRawJson(socket, 502, { message: `Docker behind the socket proxy did not answer: ${error.message}` }));
      upstream.end(body);
    }).catch(() => socket.destroy());
  }

  const server = http.createServer(forwardRequest);
  server.on('upgrade', forwardUpgrade);
  // Event and log streams stay open as long as the dashboard reads them.
  server.requestTimeout = 0;
  return server;
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : 'Docker answered with an error';
}

function sendJson(response: ServerResponse, status: number, body: { message: string }): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function writeRawJson(socket: Duplex, status: number, body: { message: string }): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

function statusLine(answer: IncomingMessage, status: number): string {
  return `HTTP/1.1 ${status} ${answer.statusMessage ?? http.STATUS_CODES[status] ?? ''}\r\n`;
}

function headerLines(rawHeaders: string[], skip: string[] = []): string {
  let lines = '';
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (!skip.includes(name.toLowerCase())) lines += `${name}: ${rawHeaders[index + 1]}\r\n`;
  }
  return lines;
}

/** The first `length` bytes after the request head (the body), and whatever came after them. */
function readExactly(socket: Duplex, head: Buffer, length: number): Promise<{ body: Buffer; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = head;
    const done = () => {
      socket.off('data', onData);
      socket.off('error', reject);
      socket.pause();
      resolve({ body: buffered.subarray(0, length), rest: buffered.subarray(length) });
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= length) done();
    };
    if (buffered.length >= length) {
      done();
      return;
    }
    socket.on('data', onData);
    socket.on('error', reject);
  });
}
