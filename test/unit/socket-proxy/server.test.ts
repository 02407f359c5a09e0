import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { MASTODON_VERSION_RB, REDIS_DUMP_RDB, execCreateBody } from '@/lib/docker/exec-programs';
import { pgDumpArgv, pgRestoreArgv } from '@/lib/backups/pg-commands';
import { createSocketProxy } from '@/lib/socket-proxy/server';

/**
 * The proxy's forwarding in front of a fake Docker that records what reaches it: what is refused must never
 * arrive there, and what passes must arrive byte for byte. (test/integration/docker/socket-proxy.test.ts and the
 * image tests run the same against the real daemon.)
 */

const PROJECT = 'mastodon';
const id = (letter: string) => letter.repeat(64);
const labels = (service: string) => ({ 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': service });
const CONTAINERS: Record<string, unknown> = {
  'mastodon-web-1': { Id: id('a'), Config: { Labels: labels('web') }, Mounts: [] },
  'mastodon-db-1': { Id: id('b'), Config: { Labels: labels('db') }, Mounts: [] },
  'mastodon-streaming-1': { Id: id('d'), Config: { Labels: labels('streaming') }, Mounts: [] },
  'mastodon-redis-1': { Id: id('e'), Config: { Labels: labels('redis') }, Mounts: [] },
  'mastodon-mastodash-socket-proxy-1': {
    Id: id('c'),
    Config: { Labels: labels('mastodash-socket-proxy') },
    Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock' }],
  },
};
const EXECS: Record<string, string> = { [id('1')]: id('a'), [id('2')]: id('b'), [id('3')]: id('d') };
const DF = {
  LayersSize: 123,
  Images: [
    { Id: 'sha256:web', Size: 10 },
    { Id: 'sha256:other', Size: 20 },
  ],
  Containers: [
    { Id: id('a'), ImageID: 'sha256:web', Labels: labels('web'), Mounts: [] },
    {
      Id: id('9'),
      ImageID: 'sha256:other',
      Labels: { 'com.docker.compose.project': 'other' },
      Mounts: [{ Type: 'volume', Name: 'other_data' }],
    },
  ],
  Volumes: [{ Name: 'other_data' }],
  BuildCache: [{ ID: 'x' }],
};

describe('the socket proxy’s forwarding, in front of a fake Docker', () => {
  let dir: string;
  let upstream: http.Server;
  let proxy: http.Server;
  let proxySocket: string;
  let received: { method: string; url: string; body: Buffer; headers: http.IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mastodash-proxy-unit-'));
    const upstreamSocket = path.join(dir, 'docker.sock');
    proxySocket = path.join(dir, 'proxy.sock');
    upstream = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = request.url ?? '';
        received.push({ method: request.method ?? '', url, body: Buffer.concat(chunks), headers: request.headers });
        const json = (status: number, body: unknown) => {
          response.writeHead(status, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        const inspected = /^\/containers\/([^/]+)\/json$/.exec(url)?.[1];
        if (inspected !== undefined) {
          const found =
            CONTAINERS[inspected] ?? Object.values(CONTAINERS).find((c) => (c as { Id: string }).Id === inspected);
          return found ? json(200, found) : json(404, { message: `No such container: ${inspected}` });
        }
        const execOf = /^\/exec\/([a-f0-9]{64})\/json$/.exec(url)?.[1];
        if (execOf !== undefined) return json(200, { ContainerID: EXECS[execOf] });
        if (/\/containers\/[a-f0-9]{64}\/exec$/.test(url)) return json(201, { Id: id('1') });
        if (/\/system\/df$/.test(url)) return json(200, DF);
        return json(200, {});
      });
    });
    await new Promise<void>((resolve) => upstream.listen(upstreamSocket, resolve));
    proxy = createSocketProxy({ upstreamSocket, project: PROJECT });
    await new Promise<void>((resolve) => proxy.listen(proxySocket, resolve));
  });

  afterAll(async () => {
    proxy.closeAllConnections();
    upstream.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    received = [];
  });

  function call(
    method: string,
    urlPath: string,
    body?: string | string[],
    headers: http.OutgoingHttpHeaders = {},
  ): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const chunked = Array.isArray(body);
      const req = http.request(
        {
          socketPath: proxySocket,
          method,
          path: urlPath,
          headers: {
            'Content-Type': 'application/json',
            ...(body !== undefined && !chunked ? { 'Content-Length': Buffer.byteLength(body) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
            }),
          );
        },
      );
      req.on('error', reject);
      if (chunked) for (const part of body) req.write(part);
      req.end(chunked ? undefined : body);
    });
  }

  const execs = () => received.filter((r) => r.method === 'POST' && r.url.endsWith('/exec'));
  const dashboardBody = JSON.stringify(execCreateBody(['id', '-u', 'mastodon']));

  it('forwards a backup’s pg_dump into db, and its pg_restore with stdin, and nothing else of theirs into web', async () => {
    const dump = JSON.stringify(execCreateBody(pgDumpArgv('postgres', 'mastodon_production')));
    expect((await call('POST', '/v1.41/containers/mastodon-db-1/exec', dump)).status).toBe(201);
    const restore = JSON.stringify(execCreateBody(pgRestoreArgv('postgres', 'mastodash_verify_20261204t033000')));
    expect(JSON.parse(restore)).toMatchObject({ AttachStdin: true });
    expect((await call('POST', '/v1.41/containers/mastodon-db-1/exec', restore)).status).toBe(201);
    const intoWeb = await call('POST', '/v1.41/containers/mastodon-web-1/exec', dump);
    expect(intoWeb.status).toBe(403);
    expect((intoWeb.json as { message: string }).message).toContain('runs pg_dump only in db, not in web');
    expect(execs().map((r) => r.url)).toEqual([
      `/v1.41/containers/${id('b')}/exec`,
      `/v1.41/containers/${id('b')}/exec`,
    ]);
  });

  it('forwards a backup’s cat of /data/dump.rdb into redis, and no other command there, nor that one elsewhere', async () => {
    const copy = JSON.stringify(execCreateBody(['cat', REDIS_DUMP_RDB]));
    expect((await call('POST', '/v1.41/containers/mastodon-redis-1/exec', copy)).status).toBe(201);
    const refusals = [
      ['mastodon-redis-1', JSON.stringify(execCreateBody(['cat', MASTODON_VERSION_RB])), 'only run in web and sidekiq'],
      ['mastodon-redis-1', JSON.stringify(execCreateBody(['cat', '/data/appendonly.aof'])), 'cat is only run on'],
      ['mastodon-redis-1', dashboardBody, 'the dashboard runs id only in web and sidekiq, not in redis'],
      ['mastodon-web-1', copy, `cat of ${REDIS_DUMP_RDB} is only run in redis, not in web`],
    ] as const;
    for (const [container, body, reason] of refusals) {
      const answer = await call('POST', `/v1.41/containers/${container}/exec`, body);
      expect(answer.status).toBe(403);
      expect((answer.json as { message: string }).message).toContain(reason);
    }
    expect(execs().map((r) => r.url)).toEqual([`/v1.41/containers/${id('e')}/exec`]);
  });

  it('forwards the dashboard’s exec body byte for byte, to the container’s full id', async () => {
    const answer = await call('POST', '/v1.41/containers/mastodon-web-1/exec', dashboardBody);
    expect(answer).toEqual({ status: 201, json: { Id: id('1') } });
    expect(execs()).toHaveLength(1);
    expect(execs()[0]?.url).toBe(`/v1.41/containers/${id('a')}/exec`);
    expect(execs()[0]?.body.toString('utf8')).toBe(dashboardBody);
    expect(execs()[0]?.headers['content-length']).toBe(String(Buffer.byteLength(dashboardBody)));
  });

  it.each([
    [
      'a privileged exec',
      'mastodon-web-1',
      JSON.stringify({ ...execCreateBody(['id']), Privileged: true }),
      'a privileged exec is refused',
    ],
    [
      'sh -c',
      'mastodon-web-1',
      JSON.stringify({ ...execCreateBody(['id']), Cmd: ['sh', '-c', 'id'] }),
      'the dashboard never runs "sh"',
    ],
    [
      'Env',
      'mastodon-web-1',
      JSON.stringify({ ...execCreateBody(['id']), Env: ['A=1'] }),
      'the dashboard never sends Env in an exec',
    ],
    [
      'User root for id',
      'mastodon-web-1',
      JSON.stringify(execCreateBody(['id'], '0')),
      'the dashboard never runs id as user "0"',
    ],
    [
      'a body with a second Cmd (Docker reads the last)',
      'mastodon-web-1',
      `{"Cmd":["id"],"AttachStdout":true,"AttachStderr":true,"Tty":false,"Cmd":["sh"]}`,
      'the dashboard never runs "sh"',
    ],
    [
      'a body laid out otherwise than dockerode writes it',
      'mastodon-web-1',
      JSON.stringify(execCreateBody(['id']), null, 1),
      'not compact JSON',
    ],
    ['a body that is not JSON', 'mastodon-web-1', '{"Cmd":', 'the exec body is not JSON'],
    [
      'one of the app containers’ commands into db',
      'mastodon-db-1',
      dashboardBody,
      'the dashboard runs id only in web and sidekiq, not in db',
    ],
    [
      'an exec into streaming',
      'mastodon-streaming-1',
      dashboardBody,
      'the dashboard runs commands only in the services web, sidekiq, db and redis, and mastodon-streaming-1 is the service streaming',
    ],
    [
      'an exec into the proxy’s own container',
      'mastodon-mastodash-socket-proxy-1',
      dashboardBody,
      "may only be inspected: it mounts Docker's socket",
    ],
  ])('refuses %s with 403 and a reason, and Docker never sees the exec', async (_, container, body, reason) => {
    const answer = await call('POST', `/v1.41/containers/${container}/exec`, body);
    expect(answer.status).toBe(403);
    expect((answer.json as { message: string }).message).toMatch(
      new RegExp(`^mastodash socket proxy: POST /v1.41/containers/${container}/exec refused: `),
    );
    expect((answer.json as { message: string }).message).toContain(reason);
    expect(execs()).toHaveLength(0);
  });

  it('refuses a chunked exec body without reading it, and an oversized one', async () => {
    const chunked = await call('POST', '/v1.41/containers/mastodon-web-1/exec', [
      dashboardBody.slice(0, 10),
      dashboardBody.slice(10),
    ]);
    expect(chunked.status).toBe(403);
    expect((chunked.json as { message: string }).message).toContain(
      'a chunked body is refused: send it with a Content-Length',
    );
    const big = JSON.stringify(execCreateBody(['ls', 'x'.repeat(70_000)]));
    const oversized = await call('POST', '/v1.41/containers/mastodon-web-1/exec', big);
    expect(oversized.status).toBe(403);
    expect((oversized.json as { message: string }).message).toContain(`a body of ${big.length} bytes is refused`);
    expect(execs()).toHaveLength(0);
  });

  it('refuses the same exec body when it comes as an upgrade request', async () => {
    const body = JSON.stringify({ ...execCreateBody(['id']), Privileged: true });
    const answer = await call('POST', '/v1.41/containers/mastodon-web-1/exec', body, {
      Connection: 'Upgrade',
      Upgrade: 'tcp',
    });
    expect(answer.status).toBe(403);
    expect((answer.json as { message: string }).message).toContain('a privileged exec is refused');
    expect(execs()).toHaveLength(0);
  });

  it('starts an exec of web and of db, and refuses to start or read one of streaming', async () => {
    expect((await call('POST', `/v1.41/exec/${id('1')}/start`, '{"Detach":false,"Tty":false}')).status).toBe(200);
    expect((await call('POST', `/v1.41/exec/${id('2')}/start`, '{"Detach":false,"Tty":false}')).status).toBe(200);
    const streaming = await call('POST', `/v1.41/exec/${id('3')}/start`, '{"Detach":false,"Tty":false}');
    expect(streaming.status).toBe(403);
    expect((streaming.json as { message: string }).message).toContain(
      'the dashboard runs commands only in the services web, sidekiq, db and redis',
    );
    expect((await call('GET', `/v1.41/exec/${id('3')}/json`)).status).toBe(403);
    expect(received.filter((r) => r.url.endsWith('/start')).map((r) => r.url)).toEqual([
      `/v1.41/exec/${id('1')}/start`,
      `/v1.41/exec/${id('2')}/start`,
    ]);
  });

  it('lets the dashboard inspect the proxy’s container but not restart it or read its logs', async () => {
    expect((await call('GET', '/v1.41/containers/mastodon-mastodash-socket-proxy-1/json')).status).toBe(200);
    for (const [method, action] of [
      ['POST', 'restart'],
      ['GET', 'logs'],
    ] as const) {
      const answer = await call(method, `/v1.41/containers/mastodon-mastodash-socket-proxy-1/${action}`);
      expect(answer.status).toBe(403);
      expect((answer.json as { message: string }).message).toContain(
        "may only be inspected: it mounts Docker's socket",
      );
    }
    expect(received.some((r) => r.url.endsWith('/restart') || r.url.includes('/logs'))).toBe(false);
  });

  it('answers disk usage with the project’s part only', async () => {
    const answer = await call('GET', '/v1.41/system/df');
    expect(answer).toEqual({
      status: 200,
      json: { Containers: [DF.Containers[0]], Images: [DF.Images[0]], Volumes: [], BuildCache: [] },
    });
  });
});
