import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

import { splitImageReference, toContainerView } from '@/lib/docker/container-view';
import { groupByService } from '@/lib/docker/grouping';

import { RUNNING_STATE } from '../../support/fixtures';

describe('splitImageReference', () => {
  it.each([
    ['ghcr.io/mastodon/mastodon:v4.3.17', 'ghcr.io/mastodon/mastodon', 'v4.3.17'],
    ['redis:7-alpine', 'redis', '7-alpine'],
    ['postgres', 'postgres', 'latest'],
    ['localhost:5000/mastodon', 'localhost:5000/mastodon', 'latest'],
    ['localhost:5000/mastodon:v4.2.0', 'localhost:5000/mastodon', 'v4.2.0'],
    ['redis:7@sha256:0123456789abcdef', 'redis', '7'],
  ])('%s', (reference, image, tag) => {
    expect(splitImageReference(reference)).toEqual({ image, tag });
  });
});

type StateOverrides = Partial<Omit<Docker.ContainerInspectInfo['State'], 'Health'>> & { Health?: unknown };

function inspect(overrides: { State?: StateOverrides } = {}) {
  const base = {
    Id: 'abc123',
    Name: '/mastodon-web-1',
    Image: 'sha256:deadbeef',
    RestartCount: 2,
    Config: {
      Image: 'ghcr.io/mastodon/mastodon:v4.3.17',
      Labels: {
        'com.docker.compose.project': 'mastodon',
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '1',
      },
      Env: ['SECRET_KEY_BASE=very-secret', 'DB_PASS=also-secret'],
    },
    State: {
      ...RUNNING_STATE,
      StartedAt: '2026-11-26T10:00:00.123Z',
      Health: {
        Status: 'unhealthy',
        FailingStreak: 3,
        Log: [
          { Start: 'a', End: '2026-11-26T10:00:01Z', ExitCode: 0, Output: 'OK' },
          { Start: 'b', End: '2026-11-26T10:00:05Z', ExitCode: 1, Output: 'curl: (7) Failed to connect\n' },
        ],
      },
    },
    NetworkSettings: { Ports: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '3000' }], '9394/tcp': null } },
    Mounts: [{ Source: '/home/mastodon/live/public/system', Destination: '/mastodon/public/system' }],
  };
  return {
    ...base,
    ...overrides,
    State: { ...base.State, ...overrides.State },
  } as unknown as Docker.ContainerInspectInfo;
}

describe('toContainerView', () => {
  it('maps inspect data to the minimal view', () => {
    expect(toContainerView(inspect())).toEqual({
      id: 'abc123',
      name: 'mastodon-web-1',
      service: 'web',
      containerNumber: 1,
      image: 'ghcr.io/mastodon/mastodon',
      imageId: 'sha256:deadbeef',
      imageTag: 'v4.3.17',
      state: 'running',
      health: 'unhealthy',
      failingStreak: 3,
      lastProbe: { exitCode: 1, output: 'curl: (7) Failed to connect', endedAt: '2026-11-26T10:00:05Z' },
      startedAt: '2026-11-26T10:00:00.123Z',
      finishedAt: undefined,
      oomKilled: false,
      restartCount: 2,
      ports: [{ hostIp: '127.0.0.1', hostPort: 3000, containerPort: 3000, protocol: 'tcp' }],
    });
  });

  it('carries the image label that names the release (Docker copies image labels into the container’s)', () => {
    const labelled = inspect();
    labelled.Config.Labels = { ...labelled.Config.Labels, 'org.opencontainers.image.version': 'v4.3.17' };
    expect(toContainerView(labelled).versionLabel).toBe('v4.3.17');
    expect(toContainerView(inspect()).versionLabel).toBeUndefined();
  });

  it('never carries the environment or mounts to the browser', () => {
    const json = JSON.stringify(toContainerView(inspect()));
    expect(json).not.toMatch(/secret|SECRET|public\/system/);
  });

  it('gives stopped containers their exit code and finish time', () => {
    const view = toContainerView(
      inspect({
        State: {
          Status: 'exited',
          Running: false,
          ExitCode: 137,
          OOMKilled: true,
          FinishedAt: '2026-11-26T11:00:00Z',
          Health: undefined,
        },
      }),
    );
    expect(view).toMatchObject({
      state: 'exited',
      exitCode: 137,
      finishedAt: '2026-11-26T11:00:00Z',
      oomKilled: true,
      health: 'none',
    });
    expect(view.lastProbe).toBeUndefined();
  });

  it('omits the exit code of a running container, which Docker reports as 0', () => {
    expect(toContainerView(inspect()).exitCode).toBeUndefined();
  });

  it('caps a long probe output, keeping its end', () => {
    const output = `${'x'.repeat(5000)}THE END`;
    const view = toContainerView(
      inspect({
        State: {
          Health: { Status: 'unhealthy', FailingStreak: 1, Log: [{ Start: '', End: '', ExitCode: 1, Output: output }] },
        },
      }),
    );
    expect(view.lastProbe?.output).toHaveLength(2000);
    expect(view.lastProbe?.output.endsWith('THE END')).toBe(true);
  });
});

describe('groupByService', () => {
  it("orders Mastodon's services as an admin reads them, others by name after; containers by compose number", () => {
    const view = toContainerView(inspect());
    const groups = groupByService([
      { ...view, id: '3', service: 'web', containerNumber: 2, name: 'mastodon-web-2' },
      { ...view, id: '1', service: 'db', name: 'mastodon-db-1' },
      { ...view, id: '4', service: 'backup', name: 'mastodon-backup-1' },
      { ...view, id: '5', service: 'sidekiq', name: 'mastodon-sidekiq-1' },
      { ...view, id: '2', service: 'web', containerNumber: 1 },
    ]);
    expect(groups.map((g) => [g.service, g.containers.map((c) => c.id)])).toEqual([
      ['web', ['2', '3']],
      ['sidekiq', ['5']],
      ['db', ['1']],
      ['backup', ['4']],
    ]);
  });
});
