import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { inEnglish } from '@/lib/i18n/english';
import { resetDockerClientsForTesting } from '@/lib/docker/client';
import type { ContainerView } from '@/lib/docker/types';
import { currentProjectContainers } from '@/lib/live';
import { readRegistrationSettings } from '@/lib/mastodon/registrations';
import {
  forgetRunningVersionsForTesting,
  readRunningVersion,
  VERSION_RB_PATH,
  type RunningVersion,
} from '@/lib/mastodon/running-version';
import { doctorPanel } from '@/lib/panels/doctor';
import { healthPanel } from '@/lib/panels/health';
import { sidekiqPanel } from '@/lib/panels/sidekiq';
import { followContainer } from '../../support/docker-events';
import { composeName, testbedDocker } from '../../support/crashing-containers';
import { english, german } from '../../support/rendered-texts';
import { readTestbed } from '../../support/testbed';

/**
 * The running version against real containers of a project of this test's own (mds22e-version), made from
 * images built here on the test bed's busybox stand-in: one with no tag at all (as the 4.0 compose file's
 * `image: tootsuite/mastodon`), one with a minor-only tag (v4.2), with or without version.rb and the release
 * label. The instance API is a server of this test, so that its answer and its calls can be told apart.
 * The image names live under mds22e.local/, which nothing else on the shared test bed uses.
 */
const testbed = readTestbed();
const PROJECT = 'mds22e-version';
const UNTAGGED = 'mds22e.local/tootsuite/mastodon';
const MINOR_TAG = 'mds22e.local/mastodon/mastodon:v4.2';
const LABELLED_MINOR_TAG = 'mds22e.local/labelled/mastodon:v4.2';
const BUSYBOX = 'redis:7-alpine';

/** version.rb of the 4.2 line, reduced to the methods read (v4.2.0's file in glitch-soc/mastodon has this shape). */
function versionRb(patch: number): string {
  return [
    'module Mastodon',
    '  module Version',
    ...[
      ['major', 4],
      ['minor', 2],
      ['patch', patch],
    ].map(([name, value]) => `    def ${name}\n      ${value}\n    end\n`),
    "    def default_prerelease\n      ''\n    end",
    '  end',
    'end',
    '',
  ].join('\n');
}

/** Builds `reference` from the busybox image: optionally with version.rb, optionally with the release label. */
async function buildImage(reference: string, options: { versionRbPatch?: number; label?: string }): Promise<void> {
  const [repo, tag = 'latest'] = reference.split(/:(?=[^/]*$)/);
  const script =
    options.versionRbPatch === undefined
      ? 'true'
      : `mkdir -p ${path.dirname(VERSION_RB_PATH)} && printf '%s' "$VERSION_RB" > ${VERSION_RB_PATH}`;
  const builder = await testbedDocker.createContainer({
    Image: BUSYBOX,
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    Env: options.versionRbPatch === undefined ? [] : [`VERSION_RB=${versionRb(options.versionRbPatch)}`],
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await builder.start();
    const { StatusCode } = (await builder.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`building ${reference}: the script exited ${StatusCode}`);
    await builder.commit({
      repo,
      tag,
      ...(options.label ? { changes: `LABEL org.opencontainers.image.version=${options.label}` } : {}),
    });
  } finally {
    await builder.remove({ force: true });
  }
}

/** Replaces the project's `service` container with one of `image` that stays up (or is only created). */
async function runService(
  service: 'web' | 'sidekiq',
  image: string,
  options: { start?: boolean } = {},
): Promise<string> {
  const name = composeName(PROJECT, service);
  await testbedDocker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await testbedDocker.createContainer({
    name,
    Image: image,
    Entrypoint: ['sh', '-c'],
    Cmd: ['exec sleep 100000'],
    StopSignal: 'SIGKILL',
    Labels: {
      'com.docker.compose.project': PROJECT,
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
    },
    HostConfig: { NetworkMode: 'none' },
  });
  if (options.start !== false) await container.start();
  await seen(container.id, options.start === false ? 'created' : 'running');
  return container.id;
}

/** Waits until the dashboard's view of the project (the live topic's copy) shows the container so. */
async function seen(id: string, state: ContainerView['state']): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await currentProjectContainers()).some((c) => c.id === id && c.state === state)) {
    if (Date.now() > deadline) throw new Error(`${id.slice(0, 12)} is not ${state} in the dashboard's view`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts counting the execs of version.rb Docker runs in `containerId`. It counts Docker's own events, so nothing
 * in the product is trusted.
 */
async function countVersionRbExecs(containerId: string): Promise<() => Promise<number>> {
  const follower = await followContainer(containerId, []);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    follower.stop();
    return follower
      .events()
      .filter((event) => event.action.startsWith('exec_create') && event.action.includes(VERSION_RB_PATH)).length;
  };
}

/** The instance API of this test: answers `version` when set, and counts what it was asked. */
let api: Server;
let apiVersion: string | undefined;
const apiCalls: string[] = [];
let apiUrl = '';

function configure(webUrl: string): void {
  forgetRunningVersionsForTesting();
  setConfigForTesting(
    loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: PROJECT, MASTODON_WEB_URL: webUrl } }),
  );
}

const NOTHING_LISTENS = 'http://127.0.0.1:58098';

beforeAll(async () => {
  api = createServer((request, response) => {
    apiCalls.push(request.url ?? '');
    if (apiVersion === undefined || request.url !== '/api/v2/instance') {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ domain: 'mds22e.test', version: apiVersion }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  await buildImage(UNTAGGED, { versionRbPatch: 8 });
  await buildImage(MINOR_TAG, {});
  await buildImage(LABELLED_MINOR_TAG, { versionRbPatch: 8, label: 'v4.2.7' });
});

beforeEach(() => {
  apiVersion = undefined;
  apiCalls.length = 0;
});

afterAll(async () => {
  await Promise.all(
    ['web', 'sidekiq'].map((service) =>
      testbedDocker
        .getContainer(composeName(PROJECT, service))
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await Promise.all(
    [UNTAGGED, MINOR_TAG, LABELLED_MINOR_TAG].map((image) =>
      testbedDocker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await new Promise((resolve) => api.close(resolve));
  forgetRunningVersionsForTesting();
  setConfigForTesting(undefined);
});

describe('the running Mastodon version, from real containers', () => {
  it('finds the version of an image with no tag (image: tootsuite/mastodon) and names where it read it', async () => {
    configure(NOTHING_LISTENS);
    await runService('web', UNTAGGED);
    const running = await readRunningVersion();
    expect(english(running)).toMatchObject({
      version: { text: '4.2.8', patch: 8, patchKnown: true },
      source: `lib/mastodon/version.rb in ${PROJECT}-web-1`,
      passedOver: [`the instance API at ${NOTHING_LISTENS}: connection refused: nothing listens there`],
    });
    expect(german(running)).toMatchObject({
      from: `lib/mastodon/version.rb in ${PROJECT}-web-1`,
      passedOver: [`Instanz-API unter ${NOTHING_LISTENS}: Verbindung abgelehnt: dort lauscht nichts`],
    });
  });

  it('does not read a v4.2 tag as 4.2.0, and the image label wins over it', async () => {
    configure(NOTHING_LISTENS);
    await runService('web', MINOR_TAG);
    expect(await readRunningVersion()).toMatchObject({
      version: { text: '4.2', major: 4, minor: 2, patchKnown: false },
      source: `the image tag ${MINOR_TAG}`,
    });

    configure(NOTHING_LISTENS);
    await runService('web', LABELLED_MINOR_TAG, { start: false });
    expect(await readRunningVersion()).toMatchObject({
      version: { text: '4.2.7', patchKnown: true },
      source: `the image label org.opencontainers.image.version of ${LABELLED_MINOR_TAG}`,
    });
  });

  it('tries the sources in order: instance API, version.rb, image label, image tag', async () => {
    // Each source names a different version, so the answer says which one was used.
    configure(apiUrl);
    const webId = await runService('web', LABELLED_MINOR_TAG);
    apiVersion = '4.2.9+glitch';
    expect(english(await readRunningVersion())).toEqual({
      version: expect.objectContaining({ text: '4.2.9+glitch' }),
      source: `the instance API at ${apiUrl}`,
      from: `the instance API at ${apiUrl}`,
    });

    apiVersion = undefined;
    apiCalls.length = 0;
    configure(apiUrl);
    expect(english(await readRunningVersion())).toMatchObject({
      version: { text: '4.2.8' },
      source: `lib/mastodon/version.rb in ${PROJECT}-web-1`,
      passedOver: [`the instance API at ${apiUrl}: /api/v1/instance answered HTTP 404`],
    });
    expect(apiCalls).toEqual(['/api/v2/instance', '/api/v1/instance']);

    await testbedDocker.getContainer(webId).stop({ t: 0 });
    await seen(webId, 'exited');
    configure(apiUrl);
    expect(await readRunningVersion()).toMatchObject({
      version: { text: '4.2.7' },
      source: `the image label org.opencontainers.image.version of ${LABELLED_MINOR_TAG}`,
    });

    await runService('web', MINOR_TAG, { start: false });
    configure(apiUrl);
    expect(await readRunningVersion()).toMatchObject({
      version: { text: '4.2', patchKnown: false },
      source: `the image tag ${MINOR_TAG}`,
    });
  });

  it('asks once per container: later reads make no API call and no exec', async () => {
    configure(apiUrl);
    const webId = await runService('web', UNTAGGED);
    forgetRunningVersionsForTesting();
    apiVersion = '4.2.8';
    const versionRbExecs = await countVersionRbExecs(webId);
    const first = await Promise.all([
      readRunningVersion(),
      readRunningVersion(),
      readRunningVersion({ of: 'sidekiq' }),
    ]);
    for (let page = 0; page < 5; page += 1)
      await Promise.all([readRunningVersion(), readRunningVersion({ of: 'sidekiq' })]);
    expect(first.map((running) => running.version?.text)).toEqual(['4.2.8', '4.2.8', '4.2.8']);
    expect(apiCalls).toEqual(['/api/v2/instance']);
    expect(await versionRbExecs()).toBe(0);

    // Without the API, version.rb is read once, by one exec, however many pages ask.
    apiVersion = undefined;
    configure(NOTHING_LISTENS);
    const versionRbExecsWithoutApi = await countVersionRbExecs(webId);
    for (let page = 0; page < 5; page += 1) await Promise.all([readRunningVersion(), readRunningVersion()]);
    expect(await versionRbExecsWithoutApi()).toBe(1);
  });

  it('gives Sidekiq web’s answer when it runs web’s image, and reads its own image otherwise', async () => {
    configure(apiUrl);
    await runService('web', UNTAGGED);
    await runService('sidekiq', UNTAGGED);
    forgetRunningVersionsForTesting();
    apiVersion = '4.2.8+glitch';
    expect(await readRunningVersion({ of: 'sidekiq' })).toMatchObject({
      version: { text: '4.2.8+glitch' },
      source: `the instance API at ${apiUrl}`,
    });

    await runService('sidekiq', LABELLED_MINOR_TAG);
    configure(apiUrl);
    expect(await readRunningVersion({ of: 'sidekiq' })).toMatchObject({
      version: { text: '4.2.8' },
      source: `lib/mastodon/version.rb in ${PROJECT}-sidekiq-1`,
    });
    await testbedDocker.getContainer(composeName(PROJECT, 'sidekiq')).remove({ force: true });
  });
});

describe('without Docker', () => {
  it('asks only the instance API, and not on every read', async () => {
    forgetRunningVersionsForTesting();
    resetDockerClientsForTesting();
    setConfigForTesting(
      loadConfig({
        env: { DOCKER_HOST: 'unix:///run/mds22e-no-docker.sock', COMPOSE_PROJECT: PROJECT, MASTODON_WEB_URL: apiUrl },
      }),
    );
    await expect(currentProjectContainers()).rejects.toThrow();
    apiVersion = '4.3.17';
    for (let page = 0; page < 3; page += 1) {
      expect(await readRunningVersion()).toMatchObject({
        version: { text: '4.3.17' },
        source: `the instance API at ${apiUrl}`,
      });
    }
    expect(apiCalls).toEqual(['/api/v2/instance']);

    forgetRunningVersionsForTesting();
    apiVersion = undefined;
    expect(english(await readRunningVersion())).toEqual({
      problem: expect.stringMatching(/^Docker: .*; the instance API at .*: \/api\/v1\/instance answered HTTP 404$/),
    });
    setConfigForTesting(undefined);
    resetDockerClientsForTesting();
  });
});

describe('every page names the same version and source', () => {
  it('health, Sidekiq, config doctor and registrations on mdtest (4.3.17): the instance API', async () => {
    forgetRunningVersionsForTesting();
    setConfigForTesting(
      loadConfig({
        env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: testbed.project, MASTODON_DIR: testbed.mastodonDir },
      }),
    );
    const [health, sidekiq, doctor, registrations] = await Promise.all([
      healthPanel(),
      sidekiqPanel(),
      doctorPanel(),
      readRegistrationSettings({ withCache: false }),
    ]);
    if (!health.ok || !sidekiq.ok || !doctor.ok) throw new Error('a panel failed');
    const expected = { text: '4.3.17', source: `the instance API at http://127.0.0.1:${testbed.webPort}` };
    const shown = (running: RunningVersion) => ({
      text: running.version?.text,
      source: running.version ? running.source : inEnglish(running.problem),
    });
    expect(shown(health.data.version)).toEqual(expected);
    expect(shown(sidekiq.data.version)).toEqual(expected);
    expect(shown(registrations.version)).toEqual(expected);
    expect({ text: doctor.data.version, source: doctor.data.versionSource }).toEqual(expected);
    setConfigForTesting(undefined);
  });

  it('the first load of those four asks the instance API once, later loads never; no version.rb exec', async () => {
    forgetRunningVersionsForTesting();
    setConfigForTesting(
      loadConfig({
        env: {
          DOCKER_HOST: testbed.dockerHost,
          COMPOSE_PROJECT: testbed.project,
          MASTODON_DIR: testbed.mastodonDir,
          MASTODON_WEB_URL: apiUrl,
        },
      }),
    );
    apiVersion = '4.3.17';
    const web = (await currentProjectContainers()).find((c) => c.service === 'web');
    const versionRbExecs = await countVersionRbExecs(web!.id);
    const pageLoad = () =>
      Promise.all([healthPanel(), sidekiqPanel(), doctorPanel(), readRegistrationSettings({ withCache: false })]);
    await pageLoad();
    const afterFirst = apiCalls.filter((call) => call.startsWith('/api/')).length;
    for (let load = 0; load < 3; load += 1) await pageLoad();
    expect(afterFirst).toBe(1);
    expect(apiCalls.filter((call) => call.startsWith('/api/')).length).toBe(1);
    expect(await versionRbExecs()).toBe(0);
    setConfigForTesting(undefined);
  });
});
