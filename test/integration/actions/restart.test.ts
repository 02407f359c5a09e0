import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ErrorText } from '@/lib/errors';
import { inEnglish } from '@/lib/i18n/english';

import { followDockerEvents, untilFollowing } from '../../support/docker-events';
import { auditRows, callAction, openServerStore, plantSession } from '../../support/next-build';
import { finishedJob as finishedJobIn, jobIdOf, type JobRow } from '../../support/jobs';
import { startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
// A project of its own: these tests restart containers, which must not disturb other tests using mdtest.
const project = 'mdrestart';
let server: RunningServer;

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

function finishedJob(id: string): Promise<JobRow> {
  return finishedJobIn(server.dataDir, id, 90_000);
}

beforeAll(async () => {
  await run('bash', ['scripts/testbed/project.sh', 'up', project, '--version', '4.3.17']);
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', project, '60']);
  server = await startServer({ DASHBOARD_PASSWORD: 'restart-password-long-enough', COMPOSE_PROJECT: project });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await run('bash', ['scripts/testbed/project.sh', 'down', project]);
}, 120_000);

describe('restart a container', () => {
  it('is observed through Docker (new StartedAt), and the job walks through the states to healthy', async () => {
    const name = `${project}-web-1`;
    const before = await docker('inspect', '--format', '{{.State.StartedAt}}', name);
    const { cookie } = plantSession(server.dataDir);
    const response = await callAction(server.port, 'restartContainerAction', [{ container: name }], { cookie });
    const done = await finishedJob(jobIdOf(response.body));
    expect(done.status).toBe('succeeded');
    const steps = (JSON.parse(done.steps) as { step: ErrorText }[]).map((s) => inEnglish(s.step));
    expect(steps[0]).toBe(`${name}: stopping`);
    expect(steps).toContain(`${name}: healthy`);
    expect(steps.at(-1)).toBe(`${name}: healthy`);
    expect(steps.some((step) => /stopped|health check starting/.test(step))).toBe(true);
    expect(await docker('inspect', '--format', '{{.State.StartedAt}}', name)).not.toBe(before);
    expect(await docker('inspect', '--format', '{{.State.Health.Status}}', name)).toBe('healthy');
  });

  it('a container that does not turn healthy ends clearly, with the probe output', async () => {
    const name = `${project}-redis-1`;
    await docker('exec', name, 'touch', '/tmp/unhealthy');
    try {
      const { cookie } = plantSession(server.dataDir);
      const response = await callAction(server.port, 'restartContainerAction', [{ container: name }], { cookie });
      const done = await finishedJob(jobIdOf(response.body));
      expect(done.status).toBe('failed');
      const error = JSON.parse(done.error ?? '{}') as { title: string; detail: string };
      expect(inEnglish(error.title)).toBe(`${name} is unhealthy after the restart`);
      expect(inEnglish(error.detail)).toContain('unhealthy: /tmp/unhealthy present');
      expect(auditRows(server.dataDir).at(-1)).toMatchObject({ outcome: 'failed', target: name });
    } finally {
      await docker('exec', name, 'rm', '-f', '/tmp/unhealthy');
    }
    await expect
      .poll(() => docker('inspect', '--format', '{{.State.Health.Status}}', name), { timeout: 30_000 })
      .toBe('healthy');
  });

  it('a restart that outlasts RESTART_TIMEOUT_SECONDS ends in a clear timeout naming what it waited for', async () => {
    const impatient = await startServer({
      DASHBOARD_PASSWORD: 'restart-password-long-enough',
      COMPOSE_PROJECT: project,
      RESTART_TIMEOUT_SECONDS: '1',
    });
    try {
      const name = `${project}-streaming-1`;
      const { cookie } = plantSession(impatient.dataDir);
      const response = await callAction(impatient.port, 'restartContainerAction', [{ container: name }], { cookie });
      const id = jobIdOf(response.body);
      const db = () => {
        const store = openServerStore(impatient.dataDir);
        try {
          return store.prepare('SELECT status, error FROM jobs WHERE id = ?').get(id) as {
            status: string;
            error: string | null;
          };
        } finally {
          store.close();
        }
      };
      await expect.poll(() => db().status, { timeout: 30_000 }).toBe('failed');
      const error = JSON.parse(db().error ?? '{}') as { code: string; title: string; detail: string };
      expect(error.code).toBe('timeout');
      expect(inEnglish(error.title)).toBe('Restart did not finish');
      expect(inEnglish(error.detail)).toMatch(new RegExp(`^Waited 1 s for ${name} to (turn healthy|run again)\\.`));
    } finally {
      await impatient.stop();
    }
    await expect
      .poll(() => docker('inspect', '--format', '{{.State.Health.Status}}', `${project}-streaming-1`), {
        timeout: 30_000,
      })
      .toBe('healthy');
  });

  it('ten concurrent requests for one container cause exactly one restart', async () => {
    const name = `${project}-sidekiq-1`;
    const follower = followDockerEvents([`container=${name}`, 'event=start', 'event=exec_create']);
    await untilFollowing(
      follower,
      () => docker('exec', name, 'true'),
      (event) => event.action === 'exec_create: true',
    );
    const { cookie } = plantSession(server.dataDir);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        callAction(server.port, 'restartContainerAction', [{ container: name }], { cookie }),
      ),
    );
    const started = responses.filter((r) => /"ok":true/.test(r.body));
    const refused = responses.filter((r) => /"code":"conflict"/.test(r.body));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(9);
    const jobId = jobIdOf(started[0]!.body);
    for (const response of refused) {
      expect(response.body).toContain('Already running');
      expect(response.body).toContain(`"runningJobId":"${jobId}"`);
    }
    expect((await finishedJob(jobId)).status).toBe('succeeded');
    await new Promise((resolve) => setTimeout(resolve, 500));
    follower.stop();
    expect(follower.events().filter((event) => event.action === 'start')).toHaveLength(1);
    expect(
      auditRows(server.dataDir)
        .filter((row) => row.target === name && row.action === 'container.restarted' && row.id > 0)
        .at(-1)?.outcome,
    ).toBe('succeeded');
  });

  it('an unknown container is refused and nothing reaches Docker', async () => {
    const { cookie } = plantSession(server.dataDir);
    for (const container of [`${testbed.project}-web-1`, 'nope', '--all', '-x', 'web; rm -rf /', '']) {
      const response = await callAction(server.port, 'restartContainerAction', [{ container }], { cookie });
      if (/"ok":true/.test(response.body)) {
        const done = await finishedJob(jobIdOf(response.body));
        expect(done.status, container).toBe('failed');
        expect(inEnglish((JSON.parse(done.error ?? '{}') as { detail: ErrorText }).detail), container).toContain(
          'is not a container of this compose project',
        );
      } else {
        expect(response.body, container).toMatch(/"code":"invalid_input"/);
      }
    }
    expect(await docker('inspect', '--format', '{{.State.Status}}', `${testbed.project}-web-1`)).toBe('running');
  });
});

describe('restart Mastodon', () => {
  it('restarts web, then streaming, then sidekiq, each healthy before the next', async () => {
    const services = ['web', 'streaming', 'sidekiq'].map((service) => `${project}-${service}-1`);
    const before = await Promise.all(
      services.map((name) => docker('inspect', '--format', '{{.State.StartedAt}}', name)),
    );
    const { cookie } = plantSession(server.dataDir);
    const response = await callAction(server.port, 'restartMastodonAction', [], { cookie });
    const done = await finishedJob(jobIdOf(response.body));
    expect(done.status).toBe('succeeded');
    const steps = (JSON.parse(done.steps) as { step: ErrorText }[]).map((s) => inEnglish(s.step));
    const order = services.map((name) => steps.indexOf(`${name}: stopping`));
    const healthy = services.map((name) => steps.indexOf(`${name}: healthy`));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order[0]! < healthy[0]! && healthy[0]! < order[1]! && healthy[1]! < order[2]!).toBe(true);
    const after = await Promise.all(
      services.map((name) => docker('inspect', '--format', '{{.State.StartedAt}}', name)),
    );
    after.forEach((startedAt, index) => expect(startedAt).not.toBe(before[index]));
  });
});
