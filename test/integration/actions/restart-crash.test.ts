import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ErrorText } from '@/lib/errors';
import { inEnglish } from '@/lib/i18n/english';

import {
  composeName,
  crashOnRestart,
  createComposeContainer,
  removeComposeContainers,
  STAY_UP,
  testbedDocker as docker,
  waitUntilUp,
} from '../../support/crashing-containers';
import { countAndStop, followContainer } from '../../support/docker-events';
import { auditRows, callAction, plantSession } from '../../support/next-build';
import { finishedJob as finishedJobIn, jobIdOf, type JobRow } from '../../support/jobs';
import { startServer, type RunningServer } from '../../support/server';

// A test-only compose project of its own (not project.sh's): its streaming container is made to crash.
const project = 'mdcrash';
const SERVICES = ['web', 'streaming', 'sidekiq', 'worker'];
let server: RunningServer;

function name(service: string): string {
  return composeName(project, service);
}

function createService(
  service: string,
  command: string,
  options: { memoryBytes?: number; healthcheck?: boolean } = {},
): Promise<void> {
  return createComposeContainer(project, service, command, options);
}

function waitHealthy(service: string): Promise<void> {
  return waitUntilUp(project, service);
}

async function startedAt(service: string): Promise<string> {
  return (await docker.getContainer(name(service)).inspect()).State.StartedAt;
}

/** Waits at most 30 s: a third of RESTART_TIMEOUT_SECONDS (90 s), which the old code waited out. */
function finishedJob(id: string): Promise<JobRow> {
  return finishedJobIn(server.dataDir, id, 30_000);
}

interface JobError {
  code: string;
  title: string;
  detail: string;
  fix?: string;
  logLines?: string[];
}

beforeAll(async () => {
  await Promise.all(['web', 'streaming', 'sidekiq'].map((service) => createService(service, STAY_UP)));
  await Promise.all(['web', 'streaming', 'sidekiq'].map(waitHealthy));
  server = await startServer({ DASHBOARD_PASSWORD: 'restart-password-long-enough', COMPOSE_PROJECT: project });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await removeComposeContainers(project, SERVICES);
}, 60_000);

describe('one restart lock per container id', () => {
  it('the same container named by name and by id at once is restarted once; the second request gets "already running"', async () => {
    await waitHealthy('web');
    const { Id: id } = await docker.getContainer(name('web')).inspect();
    const starts = await followContainer(name('web'), ['start']);
    const { cookie } = plantSession(server.dataDir);
    const responses = await Promise.all([
      callAction(server.port, 'restartContainerAction', [{ container: name('web') }], { cookie }),
      callAction(server.port, 'restartContainerAction', [{ container: id }], { cookie }),
    ]);
    const started = responses.filter((r) => /"ok":true/.test(r.body));
    const refused = responses.filter((r) => /"code":"conflict"/.test(r.body));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const jobId = jobIdOf(started[0]!.body);
    expect(refused[0]!.body).toContain('Already running');
    expect(refused[0]!.body).toContain(`"runningJobId":"${jobId}"`);
    expect((await finishedJob(jobId)).status).toBe('succeeded');
    expect(await countAndStop(starts, 'start')).toBe(1);
  });

  it('a single restart while "restart Mastodon" runs is refused, and the container is restarted once', async () => {
    await Promise.all(['web', 'streaming', 'sidekiq'].map(waitHealthy));
    const starts = await followContainer(name('sidekiq'), ['start']);
    const { cookie } = plantSession(server.dataDir);
    const whole = await callAction(server.port, 'restartMastodonAction', [], { cookie });
    const wholeJob = jobIdOf(whole.body);
    const single = await callAction(server.port, 'restartContainerAction', [{ container: name('sidekiq') }], {
      cookie,
    });
    expect(single.body).toMatch(/"code":"conflict"/);
    expect(single.body).toContain('Already running');
    expect(single.body).toContain('mastodon (web, streaming, sidekiq)');
    expect(single.body).toContain(`"runningJobId":"${wholeJob}"`);
    expect((await finishedJob(wholeJob)).status).toBe('succeeded');
    expect(await countAndStop(starts, 'start')).toBe(1);
  });
});

describe('a restart that ends in a crash', () => {
  it('an OOM-killed container ends the job within seconds: failed, with exit code, OOMKilled and its last 10 lines, redacted', async () => {
    await createService('streaming', crashOnRestart('oom'), { memoryBytes: 8 * 1024 * 1024 });
    await waitHealthy('streaming');
    const { cookie } = plantSession(server.dataDir);
    const response = await callAction(server.port, 'restartContainerAction', [{ container: name('streaming') }], {
      cookie,
    });
    const done = await finishedJob(jobIdOf(response.body));
    expect(done.status).toBe('failed');
    // RESTART_TIMEOUT_SECONDS is 90; the crash is known within a second or two of the restart.
    expect(done.finished_at! - done.started_at).toBeLessThan(15_000);
    const error = JSON.parse(done.error ?? '{}') as JobError;
    expect(error.code).toBe('upstream_failed');
    expect(inEnglish(error.title)).toBe(`${name('streaming')} died after the restart`);
    expect(inEnglish(error.detail)).toContain('exit code 137');
    expect(inEnglish(error.detail)).toContain('OOMKilled: yes');
    expect(inEnglish(error.fix ?? '')).toMatch(/memory/);
    expect(error.logLines).toHaveLength(10);
    expect(error.logLines!.some((line) => line.includes('streaming boot line 11'))).toBe(true);
    expect(error.logLines!.some((line) => line.includes('DB_PASS=[redacted]'))).toBe(true);
    expect(done.error).not.toContain('crash-test-secret-4711');
    const steps = (JSON.parse(done.steps) as { step: ErrorText }[]).map((s) => inEnglish(s.step));
    expect(steps[0]).toBe(`${name('streaming')}: stopping`);
    expect(steps).toContain(`${name('streaming')}: died after the restart (exit code 137, OOMKilled)`);
    const audit = auditRows(server.dataDir).at(-1);
    expect(audit).toMatchObject({ outcome: 'failed', target: name('streaming') });
    expect(audit?.error).not.toContain('crash-test-secret-4711');
  });

  it('"restart Mastodon" stops at the service that crashed, says which, and leaves the later ones alone', async () => {
    await createService('streaming', crashOnRestart('exit137'));
    await Promise.all(['web', 'streaming', 'sidekiq'].map(waitHealthy));
    const [webBefore, sidekiqBefore] = await Promise.all([startedAt('web'), startedAt('sidekiq')]);
    const { cookie } = plantSession(server.dataDir);
    const response = await callAction(server.port, 'restartMastodonAction', [], { cookie });
    const done = await finishedJob(jobIdOf(response.body));
    expect(done.status).toBe('failed');
    expect(done.finished_at! - done.started_at).toBeLessThan(20_000);
    const error = JSON.parse(done.error ?? '{}') as JobError;
    expect(inEnglish(error.title)).toBe(`Restart Mastodon stopped at streaming (${name('streaming')})`);
    expect(inEnglish(error.detail)).toContain(`${name('streaming')} died after the restart`);
    expect(inEnglish(error.detail)).toContain('exit code 137');
    expect(inEnglish(error.detail)).toContain('OOMKilled: no');
    expect(inEnglish(error.detail)).toContain(`Restarted: ${name('web')}.`);
    expect(inEnglish(error.detail)).toContain(`Not restarted: ${name('sidekiq')}.`);
    expect(error.logLines).toHaveLength(10);
    expect(await startedAt('web')).not.toBe(webBefore);
    expect(await startedAt('sidekiq')).toBe(sidekiqBefore);
    const steps = (JSON.parse(done.steps) as { step: ErrorText }[]).map((s) => inEnglish(s.step));
    expect(steps.some((step) => step.startsWith(name('sidekiq')))).toBe(false);
  });

  it('a container without a health check that its restart policy keeps starting is not taken for back', async () => {
    await createService('worker', crashOnRestart('exit137'), { healthcheck: false });
    await waitHealthy('worker');
    const { cookie } = plantSession(server.dataDir);
    const response = await callAction(server.port, 'restartContainerAction', [{ container: name('worker') }], {
      cookie,
    });
    const done = await finishedJob(jobIdOf(response.body));
    expect(done.status).toBe('failed');
    const error = JSON.parse(done.error ?? '{}') as JobError;
    expect(inEnglish(error.title)).toBe(`${name('worker')} died after the restart`);
    expect(inEnglish(error.detail)).toContain('exit code 137');
  });
});
