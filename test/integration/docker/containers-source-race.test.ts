import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { listProjectContainers } from '@/lib/docker/containers';
import type { ContainerView } from '@/lib/docker/types';
import { ContainersSource } from '@/lib/live/containers-source';
import type { ContainersMessage } from '@/lib/live/messages';
import { readTestbed } from '../../support/testbed';
import { waitFor } from '../../support/wait';

const testbed = readTestbed();
// A test-only compose project: its one container is stopped while the source's first listing is held back.
const project = 'mdrace';
const containerName = `${project}-web-1`;
const docker = new Docker({ socketPath: testbed.dockerHost.replace(/^unix:\/\//, '') });

async function removeContainer(): Promise<void> {
  await docker
    .getContainer(containerName)
    .remove({ force: true })
    .catch(() => undefined);
}

beforeAll(async () => {
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: project } }));
  await removeContainer();
  const container = await docker.createContainer({
    name: containerName,
    Image: 'redis:7-alpine',
    Entrypoint: ['sh', '-c'],
    Cmd: ['exec sleep 100000'],
    StopSignal: 'SIGKILL',
    Labels: {
      'com.docker.compose.project': project,
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
    },
    HostConfig: { NetworkMode: 'none' },
  });
  await container.start();
}, 60_000);

afterAll(async () => {
  setConfigForTesting(undefined);
  await removeContainer();
}, 60_000);

describe('ContainersSource: an event that overtakes the first listing', () => {
  it('is applied after the listing, so the older listing does not win', async () => {
    let listed: () => void = () => undefined;
    const listingTaken = new Promise<void>((resolve) => (listed = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The listing is taken at once (the container runs) and handed over only when the test says so.
    const heldListing = async (): Promise<ContainerView[]> => {
      const views = await listProjectContainers();
      listed();
      await released;
      return views;
    };
    const source = new ContainersSource(heldListing);
    const messages: ContainersMessage[] = [];
    source.start((message) => messages.push(message));
    try {
      await listingTaken;
      await docker.getContainer(containerName).stop();
      // Let the stop's events arrive and their inspects land while the listing is still held.
      await waitFor(
        'the stop events',
        () => (source.stats.events >= 2 && source.stats.inspects >= 1 ? true : undefined),
        5_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      release();
      const snapshot = await waitFor('the snapshot', () => messages.find((m) => m.type === 'snapshot'), 5_000);
      expect(snapshot.type === 'snapshot' && snapshot.containers.find((c) => c.name === containerName)?.state).toBe(
        'running',
      );
      // The listing said running; Docker said exited after it. The source must end with Docker's later word.
      await waitFor(
        'the container shown exited',
        () => {
          const current = source.snapshot();
          const state =
            current?.type === 'snapshot' ? current.containers.find((c) => c.name === containerName)?.state : undefined;
          return state === 'exited' ? state : undefined;
        },
        3_000,
      );
      expect(
        messages.some(
          (m) => m.type === 'container' && m.container.name === containerName && m.container.state === 'exited',
        ),
      ).toBe(true);
    } finally {
      source.stop();
    }
  });
});
