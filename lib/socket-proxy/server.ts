import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { execCreateRefusal } from '../docker/exec-programs';
import {
  containerCallRefusal,
  containerFacts,
  decide,
  projectDiskUsage,
  type ContainerFacts,
  type ProxyDecision,
} from './policy';

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

/** Where to send an allowed call: the path, and for an exec the body that was checked (sent as it is). */
interface Forward {
  path: string;
  body?: Buffer;
  /** Answer with the project's part of Docker's disk usage. */
  projectDf?: true;
}

/** Labels and mounts of a container never change, so the facts for a full id are kept (bounded). */
const FACTS_CACHE_LIMIT = 1000;
const FULL_ID = /^[a-f0-9]{64}$/;
const LOOKUP_TIMEOUT_MS = 10_000;
/** Inspect answers are a few KiB; a larger one is not Docker's. */
const LOOKUP_ANSWER_LIMIT = 4 * 1024 * 1024;
/** The dashboard's exec bodies are a few hundred bytes (tootctl with an email address is the longest). */
const EXEC_BODY_LIMIT = 64 * 1024;
/** A host with thousands of images and volumes answers /system/df with megabytes; past this it is refused. */
const DF_ANSWER_LIMIT = 32 * 1024 * 1024;
/** /system/df walks every layer and volume: seconds on a large host (lib/mastodon/storage/docker-disk-usage.ts). */
const DF_TIMEOUT_MS = 120_000;

/**
 * A filtering proxy in front of Docker's socket, for the dashboard's container (deploy/socket-proxy):
 * it forwards the calls `decide` allows, names a container by its full id once its inspect answer says
 * the call is allowed on it, checks an exec's body before Docker sees it, and answers everything else
 * with 403 and a JSON message, as Docker reports errors. Hijacked exec streams (Connection: Upgrade) are
 * tunnelled after the same check.
 */
export function createSocketProxy(options: SocketProxyOptions): http.Server {
  const factsById = new Map<string, ContainerFacts>();

  /** A GET to Docker whose whole answer the proxy reads: a lookup, or the disk usage it filters. */
  function upstreamCall(path: string, limit: number, timeoutMs: number): Promise<{ status: number; text: string }> {
    options.onForwarded?.('GET', path);
    return new Promise((resolve, reject) => {
      const request = http.request(
        { socketPath: options.upstreamSocket, path, method: 'GET', timeout: timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              request.destroy(new Error(`Docker's answer to ${path.split('?')[0]} is larger than ${limit} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 502, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('Docker did not answer in time')));
      request.on('error', reject);
      request.end();
    });
  }

  async function upstreamJson(
    path: string,
    limit = LOOKUP_ANSWER_LIMIT,
    timeoutMs = LOOKUP_TIMEOUT_MS,
  ): Promise<{ status: number; body: unknown }> {
    const { status, text } = await upstreamCall(path, limit, timeoutMs);
    try {
      return { status, body: JSON.parse(text) };
    } catch {
      return { status, body: { message: text.trim() } };
    }
  }

  async function factsOf(ref: string): Promise<ContainerFacts | Refusal> {
    const cached = FULL_ID.test(ref) ? factsById.get(ref) : undefined;
    if (cached) return cached;
    const answer = await upstreamJson(`/containers/${ref}/json`);
    if (answer.status !== 200) return { status: answer.status, message: messageOf(answer.body) };
    const facts = containerFacts(answer.body);
    if (!FULL_ID.test(facts.id)) return { status: 502, message: `Docker's inspect of ${ref} names no container id` };
    if (factsById.size >= FACTS_CACHE_LIMIT) factsById.clear();
    factsById.set(facts.id, facts);
    return facts;
  }

  /** The container's full id and service when `action` is allowed on it, else the refusal to send. */
  async function allowedContainer(
    ref: string,
    action: string,
  ): Promise<{ id: string; service: string | null } | Refusal> {
    const facts = await factsOf(ref);
    if ('status' in facts) return facts;
    const refusal = containerCallRefusal(facts, action, ref, options.project);
    return refusal === undefined ? { id: facts.id, service: facts.service } : { status: 403, message: refusal };
  }

  /** Where to send an allowed call, or why not to. `body` is the request's body when it was read ahead (exec). */
  async function resolve(
    decision: ProxyDecision,
    url: string,
    body: Buffer | Refusal | undefined,
  ): Promise<Forward | Refusal> {
    switch (decision.kind) {
      case 'allow':
        return { path: url };
      case 'project-df':
        return { path: url, projectDf: true };
      case 'deny':
        return { status: 403, message: decision.reason };
      case 'container': {
        const container = await allowedContainer(decision.ref, decision.action);
        if ('status' in container) return container;
        // The full id, so that a container renamed or replaced meanwhile is not the one acted on.
        const path = `${decision.versionPrefix}/containers/${container.id}/${decision.action}${decision.query}`;
        if (decision.action !== 'exec') return { path };
        if (body === undefined) return { status: 403, message: 'an exec needs a body' };
        if ('status' in body) return body;
        const refusal = execBodyRefusal(body, container.service);
        return refusal === undefined ? { path, body } : { status: 403, message: refusal };
      }
      case 'exec': {
        const answer = await upstreamJson(`/exec/${decision.id}/json`);
        if (answer.status !== 200) return { status: answer.status, message: messageOf(answer.body) };
        const containerId = (answer.body as { ContainerID?: string }).ContainerID ?? '';
        const container = await allowedContainer(containerId, 'exec');
        return 'status' in container ? container : { path: url };
      }
    }
  }

  async function route(
    request: IncomingMessage,
    decision: ProxyDecision,
    body: Buffer | Refusal | undefined,
  ): Promise<Forward | Refusal> {
    const method = request.method ?? '';
    const url = request.url ?? '';
    let outcome: Forward | Refusal;
    try {
      outcome = await resolve(decision, url, body);
    } catch (error) {
      return { status: 502, message: `Docker behind the socket proxy did not answer: ${(error as Error).message}` };
    }
    return 'status' in outcome && outcome.status === 403 ? refused(method, url, outcome.message) : outcome;
  }

  /** A 403 whose message names the call and the reason, told to onRefused. */
  function refused(method: string, url: string, reason: string): Refusal {
    const path = url.split('?')[0] ?? url;
    options.onRefused?.(method, path, reason);
    return { status: 403, message: `mastodash socket proxy: ${method} ${path} refused: ${reason}` };
  }

  /** An exec's body, read whole before anything is decided, when it is bounded by a Content-Length. */
  function readExecBody(request: IncomingMessage): Promise<Buffer | Refusal> {
    const refusal = bodyFramingRefusal(request.headers, EXEC_BODY_LIMIT);
    if (refusal) return Promise.resolve(refusal);
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks)));
      request.on('error', (error) => resolve({ status: 400, message: `the request broke off: ${error.message}` }));
    });
  }

  async function answerProjectDf(response: ServerResponse, path: string): Promise<void> {
    let answer: { status: number; body: unknown };
    try {
      answer = await upstreamJson(path, DF_ANSWER_LIMIT, DF_TIMEOUT_MS);
    } catch (error) {
      sendJson(response, 502, {
        message: `Docker behind the socket proxy did not answer: ${(error as Error).message}`,
      });
      return;
    }
    if (answer.status !== 200) {
      sendJson(response, answer.status, { message: messageOf(answer.body) });
      return;
    }
    const text = JSON.stringify(projectDiskUsage(answer.body, options.project));
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }

  function forwardRequest(request: IncomingMessage, response: ServerResponse): void {
    const decision = decide(request.method ?? '', request.url ?? '', options.project);
    const readsBody = decision.kind === 'container' && decision.action === 'exec';
    void (readsBody ? readExecBody(request) : Promise.resolve(undefined))
      .then((body) => route(request, decision, body))
      .then((outcome) => {
        if ('status' in outcome) {
          request.resume();
          sendJson(response, outcome.status, { message: outcome.message });
          return;
        }
        if (outcome.projectDf) {
          request.resume();
          void answerProjectDf(response, outcome.path);
          return;
        }
        options.onForwarded?.(request.method ?? '', outcome.path);
        const headers = { ...request.headers };
        if (outcome.body) headers['content-length'] = String(outcome.body.length);
        const upstream = http.request(
          { socketPath: options.upstreamSocket, method: request.method, path: outcome.path, headers },
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
        // Exactly the bytes that were checked; nothing else of the request reaches Docker.
        if (outcome.body) upstream.end(outcome.body);
        else request.pipe(upstream);
      });
  }

  function forwardUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    void (async () => {
      const framing = bodyFramingRefusal(request.headers, 1_000_000);
      if (framing) {
        const refusal = refused(request.method ?? '', request.url ?? '', framing.message);
        writeRawJson(socket, refusal.status, { message: refusal.message });
        return;
      }
      const length = Number(request.headers['content-length'] ?? '0');
      const { body, rest } = await readExactly(socket, head, length);
      const outcome = await route(request, decide(request.method ?? '', request.url ?? '', options.project), body);
      if ('status' in outcome) {
        writeRawJson(socket, outcome.status, { message: outcome.message });
        return;
      }
      if (outcome.projectDf) {
        writeRawJson(socket, 400, { message: 'mastodash socket proxy: disk usage is not an upgrade' });
        return;
      }
      options.onForwarded?.(request.method ?? '', outcome.path);
      const headers = { ...request.headers, 'content-length': String(body.length) };
      const upstream = http.request({
        socketPath: options.upstreamSocket,
        method: request.method,
        path: outcome.path,
        headers,
      });
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
        socket.write(
          statusLine(answer, answer.statusCode ?? 502) +
            headerLines(answer.rawHeaders, ['connection', 'keep-alive']) +
            'Connection: close\r\n\r\n',
        );
        answer.pipe(socket);
      });
      upstream.on('error', (error) =>
        writeRawJson(socket, 502, { message: `Docker behind the socket proxy did not answer: ${error.message}` }),
      );
      upstream.end(body);
    })().catch(() => socket.destroy());
  }

  const server = http.createServer(forwardRequest);
  server.on('upgrade', forwardUpgrade);
  // Event and log streams stay open as long as the dashboard reads them.
  server.requestTimeout = 0;
  return server;
}

/** A body Docker could read differently from the proxy (chunked, unbounded, oversized) is refused before it is read. */
function bodyFramingRefusal(headers: IncomingHttpHeaders, limit: number): Refusal | undefined {
  if (headers['transfer-encoding'] !== undefined)
    return { status: 403, message: 'a chunked body is refused: send it with a Content-Length' };
  const declared = headers['content-length'];
  const length = Number(declared ?? '0');
  if (!Number.isSafeInteger(length) || length < 0 || (declared !== undefined && !/^\d+$/.test(declared))) {
    return { status: 403, message: 'the Content-Length is not a number' };
  }
  if (length > limit) return { status: 403, message: `a body of ${length} bytes is refused (at most ${limit})` };
  return undefined;
}

/**
 * Why the exec body is refused (not JSON, not what the dashboard sends); undefined when it passes. Only the
 * compact JSON that dockerode writes passes, so that Docker's decoder (which also takes keys in any case and
 * the last of two equal keys) reads exactly what was checked here.
 */
function execBodyRefusal(body: Buffer, service: string | null): string | undefined {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'the exec body is not JSON';
  }
  return (
    execCreateRefusal(parsed, service) ??
    (JSON.stringify(parsed) === text ? undefined : 'the exec body is not compact JSON as the dashboard writes it')
  );
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
