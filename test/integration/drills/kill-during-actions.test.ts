import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { JobView } from '@/lib/jobs/types';
import type { LiveEnvelope } from '@/lib/live/topic-keys';
import { followDockerEvents, untilFollowing, type DockerEventFollower } from '../../support/docker-events';
import { parseEventBlocks } from '../../support/event-stream';
import { auditRows, callAction, openServerStore, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';
import { waitFor } from '../../support/wait';

/**
 * Crash drill (issue 8): `kill -9` of the dashboard while the media permission fix runs. After the next
 * start the audit log and the job view say the fix was interrupted, and nothing runs it again. (The same
 * for a restart: test/integration/security/sessions-and-audit.test.ts.)
 */

const run = promisify(execFile);
const testbed = readTestbed();
const WEB = `${testbed.project}-web-1`;
const FOLDER = '/opt/mastodon/public/system';
const SCRATCH = `${FOLDER}/kill-drill`;
const FILES = 20_000;
const PASSWORD_ENV = { DASHBOARD_PASSWORD: 'kill-drill-password-long' };

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}
const asRoot = (...argv: string[]) => docker('exec', '-u', '0', WEB, ...argv);

/** The jobs the job view starts with (the first events of the stream's jobs topic). */
function jobView(port: number, cookie: string): Promise<JobView[]> {
  return new Promise((resolve, reject) => {
    const jobs: JobView[] = [];
    const req = request(
      { host: '127.0.0.1', port, path: '/api/live?topics=jobs', headers: { cookie, host: `127.0.0.1:${port}` } },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (buffer += chunk));
        setTimeout(() => {
          for (const event of parseEventBlocks(buffer).events) {
            if (event.event === 'jobs') jobs.push((event.data as LiveEnvelope<{ job: JobView }>).message.job);
          }
          req.destroy();
          resolve(jobs);
        }, 1_000);
      },
    );
    req.on('error', (error) => (jobs.length > 0 ? undefined : reject(error)));
    req.end();
  });
}

describe('kill -9 during the media permission fix', () => {
  let server: RunningServer;
  let execCreates: DockerEventFollower | undefined;

  beforeAll(async () => {
    await asRoot('rm', '-rf', '--', SCRATCH);
    // Enough entries that the chown is still running when the dashboard dies.
    await asRoot('sh', '-c', `mkdir -p ${SCRATCH} && cd ${SCRATCH} && seq 1 ${FILES} | xargs touch`);
    await asRoot('chown', '-R', '0:0', '--', FOLDER);
    server = await startServer(PASSWORD_ENV);
  }, 120_000);

  afterAll(async () => {
    execCreates?.stop();
    await server?.stop();
    await asRoot('rm', '-rf', '--', SCRATCH);
    await asRoot('chown', '-R', '0:0', '--', FOLDER);
    await asRoot('chmod', '755', '--', FOLDER);
  });

  it('shows the fix as interrupted in the audit log and job view after the restart; runs nothing again', async () => {
    execCreates = followDockerEvents([`container=${WEB}`, 'event=exec_create']);
    const follower = execCreates;
    await untilFollowing(
      follower,
      () => asRoot('true'),
      (event) => event.action === 'exec_create: true',
    );
    const { cookie } = plantSession(server.dataDir);
    const auditBefore = auditRows(server.dataDir).length;
    const answer = await callAction(
      server.port,
      'fixMediaPermissionsAction',
      [{ container: WEB, path: '/mastodon/public/system' }],
      { cookie },
    );
    expect(answer.status).toBe(200);
    const started = await waitFor(
      'the started record',
      () =>
        auditRows(server.dataDir)
          .slice(auditBefore)
          .find((row) => row.action === 'media.permissions_fixed' && row.outcome === 'started'),
      30_000,
      20,
    );
    // Dies once the chown is under way: its exec exists in the web container.
    await waitFor(
      'the chown in the web container',
      async () => ((await asRoot('ps', '-o', 'args')).includes('chown -R') ? true : undefined),
      30_000,
      20,
    );
    await server.stop('SIGKILL');
    expect(auditRows(server.dataDir).find((row) => row.id === started.id)?.outcome).toBe('started');

    server = await startServer(PASSWORD_ENV, server.dataDir);
    const rows = auditRows(server.dataDir);
    expect(rows.find((row) => row.id === started.id)).toMatchObject({
      outcome: 'interrupted',
      action: 'media.permissions_fixed',
    });
    expect(rows.filter((row) => row.id > started.id && row.action === 'media.permissions_fixed')).toEqual([]);
    expect(server.output()).toMatch(/1 action\(s\) were cut short/);

    const { cookie: fresh } = plantSession(server.dataDir);
    const jobs = await jobView(server.port, fresh);
    const job = jobs.find((each) => each.auditId === started.id);
    expect(job).toMatchObject({ kind: 'media.permissions_fixed', status: 'interrupted' });
    const audit = await rawRequest(server.port, { path: '/audit?outcome=interrupted', headers: { cookie: fresh } });
    expect(audit.status).toBe(200);
    expect(audit.body).toContain('media.permissions_fixed');

    // Nothing ran it again: since the test began, the web container saw exactly one chown exec, the one the
    // killed dashboard started.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    follower.stop();
    const chowns = follower
      .events()
      .map((event) => event.action)
      .filter((action) => action.includes('chown -R -h -c 991:991'));
    expect(chowns).toEqual(['exec_create: chown -R -h -c 991:991 -- /mastodon/public/system']);
    const db = openServerStore(server.dataDir);
    expect(
      db.prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'media.permissions_fixed' AND status = 'running'").get(),
    ).toEqual({ n: 0 });
    db.close();
  }, 180_000);
});
