import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ContainersMessage } from '@/lib/live/messages';
import type { LiveEnvelope } from '@/lib/live/topic-keys';
import { openEventStream, type OpenedStream } from '../../support/event-stream';
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

type Viewer = OpenedStream;

/** The containers messages a viewer received, in order (one browser's stream carrying the containers topic). */
function messagesOf(viewer: Viewer): ContainersMessage[] {
  return viewer.events
    .filter((event) => event.event === 'containers')
    .map((event) => (event.data as LiveEnvelope<ContainersMessage>).message);
}

function startTimes(viewer: Viewer, name: string): Set<string> {
  const times = new Set<string>();
  for (const message of messagesOf(viewer)) {
    if (message.type === 'container' && message.container.name === name && message.container.startedAt)
      times.add(message.container.startedAt);
    if (message.type === 'snapshot') {
      for (const container of message.containers)
        if (container.name === name && container.startedAt) times.add(container.startedAt);
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
    for (const viewer of viewers) viewer.close();
    await server?.stop();
  });

  it(
    'zero errors, and every viewer sees every restart',
    async () => {
      const { cookie } = plantSession(server.dataDir);
      for (let i = 0; i < VIEWERS; i++) viewers.push(openEventStream(server.port, cookie, ['containers']));
      const began = Date.now();
      const deadline = began + 10_000;
      while (
        viewers.some((viewer) => !messagesOf(viewer).some((message) => message.type === 'snapshot')) &&
        Date.now() < deadline
      ) {
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
      expect(
        viewers.flatMap((viewer) =>
          messagesOf(viewer).filter((message) => message.type === 'docker' && !message.docker.ok),
        ),
      ).toEqual([]);
      expect(Date.now() - began).toBeGreaterThanOrEqual(DURATION_MS);
      const perViewer = viewers.map((viewer) => messagesOf(viewer).length);
      console.log(
        `[viewers] ${VIEWERS} viewers, ${expected.length} restarts in` +
          ` ${Math.round((Date.now() - began) / 1000)} s; messages per viewer ` +
          `${Math.min(...perViewer)}–${Math.max(...perViewer)}`,
      );
    },
    DURATION_MS + 60_000,
  );
});
