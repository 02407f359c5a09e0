import { execFile } from 'node:child_process';
import { request, type ClientRequest } from 'node:http';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ContainersMessage } from '@/lib/live/messages';
import type { LiveEnvelope } from '@/lib/live/topic-keys';
import { parseEventBlocks } from '../../support/event-stream';
import { plantSession } from '../../support/next-build';
import { startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';

/**
 * Load drill (issue 8): 50 viewers hold the live containers stream for 60 s while containers restart.
 * Zero errors, and every viewer sees every restart (the container's new start time).
 */

const run = promisify(execFile);
const testbed = readTestbed();
const VIEWERS = 50;
const DURATION_MS = 60_000;
const RESTARTS = ['sidekiq', 'streaming', 'web', 'sidekiq'].map((service) => `${testbed.project}-${service}-1`);

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

interface Viewer {
  messages: ContainersMessage[];
  errors: string[];
  status?: number;
  request: ClientRequest;
}

function openViewer(port: number, cookie: string): Viewer {
  const viewer: Viewer = { messages: [], errors: [], request: undefined as unknown as ClientRequest };
  // One browser's stream carrying the containers topic, as the home page's shared stream does.
  viewer.request = request({ host: '127.0.0.1', port, path: '/api/live?topics=containers', headers: { cookie, host: `127.0.0.1:${port}` } }, (response) => {
    viewer.status = response.statusCode;
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      const parsed = parseEventBlocks(buffer + chunk);
      buffer = parsed.rest;
      for (const event of parsed.events) {
        if (event.event === 'containers') viewer.messages.push((event.data as LiveEnvelope<ContainersMessage>).message);
      }
    });
    response.on('end', () => viewer.errors.push('the stream ended'));
    response.on('error', (error) => viewer.errors.push(error.message));
  });
  viewer.request.on('error', (error) => viewer.errors.push(error.message));
  viewer.request.end();
  return viewer;
}

function startTimes(viewer: Viewer, name: string): Set<string> {
  const times = new Set<string>();
  for (const message of viewer.messages) {
    if (message.type === 'container' && message.container.name === name && message.container.startedAt) times.add(message.container.startedAt);
    if (message.type === 'snapshot') {
      for (const container of message.containers) if (container.name === name && container.startedAt) times.add(container.startedAt);
    }
  }
  return times;
}

describe(`${VIEWERS} viewers on the live stream for ${DURATION_MS / 1000} s while containers restart`, () => {
  let server: RunningServer;
  const viewers: Viewer[] = [];

  beforeAll(async () => {
    server = await startServer({ DASHBOARD_PASSWORD: 'viewers-drill-password-long' });
  });

  afterAll(async () => {
    for (const viewer of viewers) viewer.request.destroy();
    await server?.stop();
  });

  it('zero errors, and every viewer sees every restart', async () => {
    const { cookie } = plantSession(server.dataDir);
    for (let i = 0; i < VIEWERS; i++) viewers.push(openViewer(server.port, cookie));
    const began = Date.now();
    const deadline = began + 10_000;
    while (viewers.some((viewer) => !viewer.messages.some((message) => message.type === 'snapshot')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(viewers.filter((viewer) => viewer.status === 200)).toHaveLength(VIEWERS);

    const expected: Array<{ name: string; startedAt: string }> = [];
    const gap = (DURATION_MS - 5_000) / RESTARTS.length;
    for (const [index, name] of RESTARTS.entries()) {
      const due = began + 2_000 + index * gap;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      await docker('restart', '-t', '1', name);
      expected.push({ name, startedAt: await docker('inspect', '-f', '{{.State.StartedAt}}', name) });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, began + DURATION_MS - Date.now())));

    const missed: string[] = [];
    for (const [index, viewer] of viewers.entries()) {
      for (const { name, startedAt } of expected) {
        // Docker and the view may differ in sub-second digits; compare to the millisecond.
        const seen = [...startTimes(viewer, name)].some((time) => Date.parse(time) === Date.parse(startedAt));
        if (!seen) missed.push(`viewer ${index}: ${name} started ${startedAt}`);
      }
    }
    expect(missed).toEqual([]);
    expect(viewers.flatMap((viewer) => viewer.errors)).toEqual([]);
    expect(viewers.flatMap((viewer) => viewer.messages.filter((message) => message.type === 'docker' && !message.docker.ok))).toEqual([]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(DURATION_MS);
    const perViewer = viewers.map((viewer) => viewer.messages.length);
    console.log(`[viewers] ${VIEWERS} viewers, ${expected.length} restarts in ${Math.round((Date.now() - began) / 1000)} s; messages per viewer ${Math.min(...perViewer)}–${Math.max(...perViewer)}`);
  }, DURATION_MS + 60_000);
});
