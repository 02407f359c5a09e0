import { createServer, type AddressInfo, type Socket } from 'node:net';

import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { resetDockerClientsForTesting } from '@/lib/docker/client';
import { projectFilter } from '@/lib/docker/labels';
import { currentProjectContainers, liveTopics } from '@/lib/live';
import { plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { startCountingProxy, type CountingProxy } from '../../support/counting-proxy';
import { readTestbed, testbedBackendsEnv } from '../../support/testbed';
import { waitFor } from '../../support/wait';

/**
 * What the home page costs Docker while no browser watches. Five panels read the containers (the list,
 * the version, migrations, the registration mode, the doctor); they read the live topic's copy, which the
 * first of them starts and which stays for the topic's grace period (5 s) after the last reader. The
 * production server's Docker calls go through the socket proxy in this process, which records each one.
 */
const testbed = readTestbed();
const docker = new Docker({ socketPath: testbed.dockerHost.replace(/^unix:\/\//, '') });

let server: RunningServer;
let proxy: CountingProxy;
let calls: string[] = [];

function count(kinds: readonly string[], kind: string): number {
  return kinds.filter((each) => each === kind).length;
}

/** Waits until the proxy has forwarded nothing for `quietMs`. */
async function untilQuiet(quietMs: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let seen = calls.length;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`Docker calls did not stop within 30 s: ${calls.slice(-5).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (calls.length !== seen) {
      seen = calls.length;
      since = Date.now();
    }
  }
}

beforeAll(async () => {
  proxy = await startCountingProxy();
  calls = proxy.calls;
  server = await startServer({
    DOCKER_HOST: proxy.dockerHost,
    ...testbedBackendsEnv(testbed),
    DASHBOARD_PASSWORD: 'page-calls-password-long',
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  proxy?.close();
});

describe('home page renders without a watching browser', () => {
  it('the first lists once and follows events; the next costs no Docker call; after the grace, again', async () => {
    const containers = await docker.listContainers({ all: true, filters: projectFilter(testbed.project) });
    expect(containers.length).toBeGreaterThanOrEqual(5);
    const { cookie } = plantSession(server.dataDir);
    const render = async (): Promise<string[]> => {
      const before = calls.length;
      const page = await rawRequest(server.port, { path: '/', headers: { cookie }, timeoutMs: 30_000 });
      expect(page.status).toBe(200);
      for (const container of containers) expect(page.body).toContain(container.Names[0]?.replace(/^\//, ''));
      return calls.slice(before);
    };
    // The first render also lists the migration files and starts the storage measurement (a du exec in
    // the background); both are kept, so the proxy is let go quiet before the renders that count.
    await render();
    await untilQuiet(7_000);

    const cold = await render();
    expect(count(cold, 'GET /events')).toBe(1);
    expect(count(cold, 'GET /containers/json')).toBe(1);
    expect(count(cold, 'GET /containers/<id>/json')).toBe(containers.length);

    const warm = await render();
    expect(warm).toEqual([]);
  }, 60_000);
});

describe('currentProjectContainers against a hung Docker', () => {
  afterAll(() => {
    setConfigForTesting(undefined);
    resetDockerClientsForTesting();
  });

  it('a Docker that accepts but never answers fails as "not answering" after DOCKER_TIMEOUT_MS, once', async () => {
    const sockets: Socket[] = [];
    const hung = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as AddressInfo;
    setConfigForTesting(
      loadConfig({
        env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, COMPOSE_PROJECT: testbed.project, DOCKER_TIMEOUT_MS: '1500' },
      }),
    );
    resetDockerClientsForTesting();
    try {
      const started = Date.now();
      await expect(currentProjectContainers()).rejects.toMatchObject({
        code: 'docker_not_answering',
        message: expect.stringMatching(/^Docker is not answering: /),
      });
      const elapsed = Date.now() - started;
      // The read went through the live topic (which it started), not a plain listing.
      expect(liveTopics().containers.isRunning).toBe(true);
      // The topic's wait is the only one: no second listing that waits as long again.
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      expect(elapsed).toBeLessThan(2_800);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
      // The topic stops after its 5 s grace; the next tests start it afresh.
      await waitFor(
        'the live topic to stop',
        () => (liveTopics().containers.isRunning ? undefined : true),
        10_000,
        100,
      );
    }
  }, 20_000);
});

describe('currentProjectContainers outside a render', () => {
  beforeAll(() => {
    setConfigForTesting(loadConfig({ env: { DOCKER_HOST: proxy.dockerHost, COMPOSE_PROJECT: testbed.project } }));
    resetDockerClientsForTesting();
  });
  afterAll(() => {
    setConfigForTesting(undefined);
    resetDockerClientsForTesting();
  });

  it('callers that ask together share one listing, and a restart reaches the next read through events', async () => {
    const before = calls.length;
    const together = await Promise.all([
      currentProjectContainers(),
      currentProjectContainers(),
      currentProjectContainers(),
    ]);
    const opening = calls.slice(before);
    expect(count(opening, 'GET /containers/json')).toBe(1);
    expect(count(opening, 'GET /events')).toBe(1);
    expect(together[0]?.length).toBeGreaterThanOrEqual(5);
    expect(together[1]).toEqual(together[0]);
    expect(together[2]).toEqual(together[0]);

    const web = together[0]?.find((container) => container.service === 'web');
    expect(web?.startedAt).toBeDefined();
    const afterOpening = calls.length;
    await docker.getContainer(web?.id ?? '').restart({ t: 0 });
    const restarted = await waitFor(
      'the restarted web in the live copy',
      async () => {
        const now = (await currentProjectContainers()).find((container) => container.id === web?.id);
        return now?.state === 'running' && now.startedAt !== web?.startedAt ? now : undefined;
      },
      10_000,
    );
    expect(restarted.startedAt).not.toBe(web?.startedAt);
    // Seen through the events: web inspected again, the project not listed again.
    expect(count(calls.slice(afterOpening), 'GET /containers/json')).toBe(0);
    expect(count(calls.slice(afterOpening), 'GET /containers/<id>/json')).toBeGreaterThanOrEqual(1);
  });
});
