import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { resetDockerClientsForTesting } from '@/lib/docker/client';
import { listProjectContainers } from '@/lib/docker/containers';
import { ContainersSource } from '@/lib/live/containers-source';
import type { ContainersMessage } from '@/lib/live/messages';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
const SERVICES = ['db', 'redis', 'sidekiq', 'streaming', 'web'];

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

function waitFor<T>(
  messages: ContainersMessage[],
  pick: (m: ContainersMessage) => T | undefined,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      for (const message of messages) {
        const found = pick(message);
        if (found !== undefined) return resolve(found);
      }
      if (Date.now() - started > timeoutMs) return reject(new Error(`no matching message within ${timeoutMs} ms`));
      setTimeout(check, 20);
    };
    check();
  });
}

beforeAll(() => {
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: testbed.project } }));
});

afterAll(() => setConfigForTesting(undefined));

describe('listProjectContainers against the test bed dockerd', () => {
  it('finds the five services of its project by label, and none of the other project', async () => {
    const containers = await listProjectContainers();
    expect(containers.map((c) => c.service).sort()).toEqual(SERVICES);
    expect(containers.every((c) => c.name.startsWith(`${testbed.project}-`))).toBe(true);
    const web = containers.find((c) => c.service === 'web');
    expect(web).toMatchObject({
      name: `${testbed.project}-web-1`,
      image: 'ghcr.io/mastodon/mastodon',
      imageTag: 'v4.3.17',
      state: 'running',
    });
  });

  it('sees the other project when configured for it', async () => {
    setConfigForTesting(
      loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: testbed.otherProject } }),
    );
    try {
      const containers = await listProjectContainers();
      expect(containers).toHaveLength(5);
      expect(containers.every((c) => c.name.startsWith(`${testbed.otherProject}-`))).toBe(true);
    } finally {
      setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: testbed.project } }));
    }
  });

  it('reports a missing socket as such, naming it', async () => {
    setConfigForTesting(
      loadConfig({
        env: { DOCKER_HOST: 'unix:///run/mastodash-testbed/nothing-here.sock', COMPOSE_PROJECT: testbed.project },
      }),
    );
    resetDockerClientsForTesting();
    try {
      await expect(listProjectContainers()).rejects.toMatchObject({
        code: 'docker_socket_missing',
        // The message is the English title and detail (the detail itself is a Text).
        message: expect.stringContaining('nothing-here.sock'),
      });
    } finally {
      resetDockerClientsForTesting();
      setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: testbed.project } }));
    }
  });
});

describe('ContainersSource follows Docker events', () => {
  it('snapshots once, then turns a docker stop and start into changes within a second, with no polling', async () => {
    const source = new ContainersSource();
    const messages: ContainersMessage[] = [];
    source.start((message) => messages.push(message));
    try {
      const snapshot = await waitFor(messages, (m) => (m.type === 'snapshot' ? m : undefined), 10_000);
      expect(snapshot.containers).toHaveLength(5);
      expect(source.stats).toMatchObject({ connects: 1, lists: 1 });

      // Idle: health probes run every 2 s inside the containers (each one an exec event), yet the
      // source makes no Docker call that an event did not cause: no polling, no re-listing.
      const before = { ...source.stats };
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(source.stats.connects).toBe(before.connects);
      expect(source.stats.lists).toBe(before.lists);
      expect(source.stats.inspects - before.inspects).toBeLessThanOrEqual(source.stats.events - before.events);

      const target = `${testbed.project}-db-1`;
      messages.length = 0;
      await docker('stop', '--time', '5', target);
      const stoppedAt = Date.now();
      const exited = await waitFor(
        messages,
        (m) =>
          m.type === 'container' && m.container.name === target && m.container.state === 'exited' ? m : undefined,
        2_000,
      );
      expect(Date.now() - stoppedAt).toBeLessThan(1_000);
      expect(exited.container.exitCode).toBeTypeOf('number');

      messages.length = 0;
      await docker('start', target);
      await waitFor(
        messages,
        (m) =>
          m.type === 'container' && m.container.name === target && m.container.state === 'running' ? m : undefined,
        2_000,
      );
      expect(source.stats.lists).toBe(1);
    } finally {
      source.stop();
    }
  });
});
