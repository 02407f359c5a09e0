import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { probe, probeStreaming, probeWeb, readMigrationState } from '@/lib/mastodon/health';
import { forgetRunningVersionsForTesting, readRunningVersion } from '@/lib/mastodon/running-version';
import { healthPanel } from '@/lib/panels/health';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { inEnglish } from '@/lib/i18n/english';
import { text } from '@/lib/i18n/text';
import { followDockerEvents, untilFollowing } from '../../support/docker-events';
import { readTestbed } from '../../support/testbed';

/**
 * Mastodon's health against the test bed's stand-ins: mdtest's web serves /health and /api/v2/instance on
 * 127.0.0.1:<web port>, streaming its health on <web port + 1000>; the image carries one migration file
 * more than schema_migrations records.
 */
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);
const migrationFiles = readFileSync('scripts/testbed/sql/migration-files.txt', 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

async function configure(project: string, extra: Record<string, string> = {}): Promise<void> {
  await resetPostgresForTesting();
  const webPort = Number(readFileSync(path.join(projectsDir, project, 'web.port'), 'utf8'));
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: project,
        MASTODON_DIR: path.join(projectsDir, project),
        MASTODON_WEB_URL: `http://127.0.0.1:${webPort}`,
        MASTODON_STREAMING_URL: `http://127.0.0.1:${webPort + 1000}`,
        ...extra,
      },
    }),
  );
}

beforeEach(() => configure(testbed.project));
afterAll(async () => {
  setConfigForTesting(undefined);
  await resetPostgresForTesting();
});

describe('Mastodon health', () => {
  it('probes web and streaming, with their response times', async () => {
    const [web, streaming] = await Promise.all([probeWeb(), probeStreaming()]);
    expect(web).toMatchObject({ ok: true, status: 200, url: `http://127.0.0.1:${testbed.webPort}/health` });
    expect(web.ms).toBeGreaterThan(0);
    expect(web.ms).toBeLessThan(3_000);
    expect(streaming).toMatchObject({
      ok: true,
      status: 200,
      url: `http://127.0.0.1:${testbed.webPort + 1000}/api/v1/streaming/health`,
    });
  });

  it('names what is wrong when nothing answers, or something else answers', async () => {
    expect(await probe('http://127.0.0.1:58099/health')).toMatchObject({
      ok: false,
      problem: text('vitals.probe.refused'),
    });
    expect(await probe(`http://127.0.0.1:${testbed.webPort}/nope`)).toMatchObject({
      ok: false,
      status: 404,
      problem: text('vitals.probe.status', { status: 404 }),
    });
    expect(await probe(`http://127.0.0.1:${testbed.webPort}/api/v2/instance`)).toMatchObject({
      ok: false,
      status: 200,
      problem: text('vitals.probe.notOk'),
    });
  });

  it('reads the version from /api/v2/instance, else from the image tag', async () => {
    forgetRunningVersionsForTesting();
    expect(await readRunningVersion()).toMatchObject({
      version: { text: '4.3.17' },
      source: `the instance API at http://127.0.0.1:${testbed.webPort}`,
    });
    forgetRunningVersionsForTesting();
    await configure(testbed.project, { MASTODON_WEB_URL: 'http://127.0.0.1:58099' });
    const fallback = await readRunningVersion();
    expect(fallback).toMatchObject({
      version: { text: '4.3.17' },
      source: 'the image tag ghcr.io/mastodon/mastodon:v4.3.17',
    });
    expect(fallback.version && fallback.passedOver?.map((note) => inEnglish(note)).join('; ')).toMatch(
      /instance API at http:\/\/127\.0\.0\.1:58099: connection refused/,
    );
    forgetRunningVersionsForTesting();
    await configure(testbed.otherProject);
    expect(await readRunningVersion()).toMatchObject({
      version: { text: '4.4.4' },
      source: expect.stringMatching(/^the instance API at /),
    });
    forgetRunningVersionsForTesting();
  });

  it('finds exactly the one pending migration: image files against schema_migrations', async () => {
    const state = await readMigrationState();
    expect(state.ok).toBe(true);
    if (!state.ok) return;
    const newest = migrationFiles[migrationFiles.length - 1]!.slice(0, 14);
    expect(state.pending).toEqual([newest]);
    expect(state.postDeployPending).toEqual([]);
    expect(state.files).toBe(migrationFiles.length);
    expect(state.container).toBe('mdtest-web-1');
  });

  it('lists a container’s migration files once: later reads run no exec, and still read schema_migrations', async () => {
    await readMigrationState();
    const follower = followDockerEvents(['container=mdtest-web-1', 'event=exec_create']);
    await untilFollowing(
      follower,
      () =>
        promisify(execFile)('docker', ['exec', 'mdtest-web-1', 'true'], {
          env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
        }),
      (event) => event.action === 'exec_create: true',
    );
    const again = await readMigrationState();
    const third = await readMigrationState();
    expect(again).toEqual(third);
    expect(again.ok && again.pending.length).toBe(1);
    // A control exec inside the window: the follower must see it, or the count below would prove nothing.
    await promisify(execFile)('docker', ['exec', 'mdtest-web-1', 'ls', '-1', '/'], {
      env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    follower.stop();
    const stdout = follower
      .events()
      .map((event) => event.action)
      .join('\n');
    expect(stdout.split('\n').filter((line) => line.includes('ls -1'))).toEqual(['exec_create: ls -1 /']);
  });

  it('a Postgres that cannot be reached fails the migration part only', async () => {
    await configure(testbed.project, { DATABASE_URL: 'postgres://mastodon:x@127.0.0.1:58098/mastodon_43' });
    const panel = await healthPanel();
    expect(panel.ok).toBe(true);
    if (!panel.ok) return;
    expect(panel.data.web.ok).toBe(true);
    expect(panel.data.version).toMatchObject({ version: { text: '4.3.17' } });
    expect(panel.data.migrations).toMatchObject({
      ok: false,
      error: { code: 'postgres_unreachable', title: text('vitals.errors.postgres.down.title') },
    });
  });
});
