import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { execCreateBody, type ExecArgv } from '@/lib/docker/exec-programs';
import { DockerFrameReader } from '@/lib/docker/log-decoder';
import { createSocketProxy } from '@/lib/socket-proxy/server';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
const upstreamSocket = testbed.dockerHost.replace(/^unix:\/\//, '');

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

describe('the Docker socket proxy, in front of the real Docker daemon', () => {
  let dir: string;
  let server: Server;
  let proxied: Docker;
  const refused: string[] = [];
  const forwarded: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mastodash-proxy-'));
    const socketPath = path.join(dir, 'docker.sock');
    server = createSocketProxy({
      upstreamSocket,
      project: testbed.project,
      onRefused: (method, url) => refused.push(`${method} ${url}`),
      onForwarded: (method, url) => forwarded.push(`${method} ${url}`),
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    proxied = new Docker({ socketPath });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the project’s containers with the project filter, and refuses a list of everything', async () => {
    const listed = await proxied.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${testbed.project}`] },
    });
    expect(listed.map((c) => c.Names[0]).sort()).toEqual(
      ['db', 'redis', 'sidekiq', 'streaming', 'web'].map((service) => `/${testbed.project}-${service}-1`),
    );
    await expect(proxied.listContainers({ all: true })).rejects.toMatchObject({ statusCode: 403 });
  });

  it('refuses to create a container, and none is created', async () => {
    const before = await docker('ps', '-aq');
    await expect(
      proxied.createContainer({ Image: 'redis:7-alpine', name: 'mastodash-proxy-escape' }),
    ).rejects.toMatchObject({
      statusCode: 403,
      json: { message: expect.stringContaining('POST /containers/create refused') as string },
    });
    expect(await docker('ps', '-aq')).toBe(before);
    expect(refused).toContain('POST /containers/create');
  });

  it('refuses exec and restart on another project’s container, and nothing runs there', async () => {
    const other = `${testbed.otherProject}-web-1`;
    const startedBefore = await docker('inspect', '-f', '{{.State.StartedAt}}', other);
    await expect(proxied.getContainer(other).exec({ Cmd: ['touch', '/tmp/escaped'] })).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(proxied.getContainer(other).restart({ t: 1 })).rejects.toMatchObject({ statusCode: 403 });
    await expect(proxied.getContainer(other).inspect()).rejects.toMatchObject({ statusCode: 403 });
    expect(await docker('inspect', '-f', '{{.State.StartedAt}} {{len .ExecIDs}}', other)).toBe(`${startedBefore} 0`);
  });

  async function runThroughProxy(
    container: string,
    argv: ExecArgv,
    user?: string,
  ): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
    const exec = await proxied.getContainer(container).exec(execCreateBody(argv, user));
    const stream = await exec.start({ hijack: true, stdin: false });
    // Taken apart by the dashboard's own frame reader, as lib/docker/exec.ts does.
    const frames = new DockerFrameReader(false);
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    stream.on('data', (chunk: Buffer) => {
      for (const { stream: name, payload } of frames.push(chunk)) output[name].push(payload);
    });
    await new Promise((resolve) => stream.on('end', resolve));
    return {
      stdout: Buffer.concat(output.stdout).toString('utf8'),
      stderr: Buffer.concat(output.stderr).toString('utf8'),
      exitCode: (await exec.inspect()).ExitCode,
    };
  }

  it(
    'runs the dashboard’s execs in the project’s web container through the hijacked stream,' +
      ' with their output and exit code',
    async () => {
      const web = `${testbed.project}-web-1`;
      expect(await runThroughProxy(web, ['id', '-u'])).toEqual({ stdout: '991\n', stderr: '', exitCode: 0 });
      const missing = await runThroughProxy(web, ['ls', '-1', '/nonexistent-through-the-proxy']);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toMatch(/No such file or directory/);
      expect(missing.exitCode).toBeGreaterThan(0);
      expect(await runThroughProxy(web, ['stat', '-c', '%u', '--', '/'], '0')).toEqual({
        stdout: '0\n',
        stderr: '',
        exitCode: 0,
      });
    },
  );

  it.each([
    ['a privileged exec', 'web', { ...execCreateBody(['id']), Privileged: true }, 'a privileged exec is refused'],
    [
      'sh -c',
      'web',
      { ...execCreateBody(['id']), Cmd: ['sh', '-c', 'touch /tmp/escaped'] },
      'the dashboard never runs "sh"',
    ],
    [
      'an exec as root with Env',
      'web',
      { ...execCreateBody(['id'], '0'), Env: ['A=1'] },
      'the dashboard never sends Env in an exec',
    ],
    [
      'an app container’s command into db',
      'db',
      execCreateBody(['id']),
      'the dashboard runs id only in web and sidekiq, not in db',
    ],
  ])('refuses %s with a reason, and no exec reaches Docker', async (_, service, body, reason) => {
    const name = `${testbed.project}-${service}-1`;
    forwarded.length = 0;
    await expect(proxied.getContainer(name).exec(body)).rejects.toMatchObject({
      statusCode: 403,
      json: { message: expect.stringContaining(reason) as string },
    });
    expect(forwarded.filter((call) => call.startsWith('POST'))).toEqual([]);
    expect(refused).toContain(`POST /containers/${name}/exec`);
  });

  it('answers disk usage with the project’s containers and images only', async () => {
    const df = (await proxied.df()) as {
      Containers: { Labels: Record<string, string> }[];
      Images: { Id: string }[];
      LayersSize?: number;
    };
    expect(df.Containers.map((c) => c.Labels['com.docker.compose.project'])).toEqual(Array(5).fill(testbed.project));
    const projectImages = new Set(
      (
        await proxied.listContainers({
          all: true,
          filters: { label: [`com.docker.compose.project=${testbed.project}`] },
        })
      ).map((c) => c.ImageID),
    );
    expect(new Set(df.Images.map((image) => image.Id))).toEqual(projectImages);
    expect(df.LayersSize).toBeUndefined();
  });

  it('restarts the project’s container, and the event stream through the proxy reports it', async () => {
    const name = `${testbed.project}-streaming-1`;
    const startedBefore = await docker('inspect', '-f', '{{.State.StartedAt}}', name);
    const events = (await proxied.getEvents({
      filters: { label: [`com.docker.compose.project=${testbed.project}`], type: ['container'] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    const actions: string[] = [];
    events.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as { Action: string; Actor: { Attributes: { name: string } } };
        if (event.Actor.Attributes.name === name) actions.push(event.Action);
      }
    });
    await proxied.getContainer(name).restart({ t: 2 });
    const deadline = Date.now() + 10_000;
    while (!actions.includes('restart') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    events.destroy();
    expect(actions).toEqual(expect.arrayContaining(['die', 'start', 'restart']));
    expect(await docker('inspect', '-f', '{{.State.StartedAt}}', name)).not.toBe(startedBefore);
    await docker('exec', name, 'true');
  });

  it('reads logs and one-shot stats of the project’s containers, and refuses a path Docker would clean', async () => {
    const web = proxied.getContainer(`${testbed.project}-web-1`);
    const logs = (await web.logs({ stdout: true, stderr: true, tail: 5, follow: false })) as Buffer;
    expect(logs.length).toBeGreaterThan(0);
    const stats = (await web.stats({ stream: false })) as { memory_stats: { usage?: number } };
    expect(stats.memory_stats.usage).toBeGreaterThan(0);
    const answer = await new Promise<number>((resolve, reject) => {
      const socketPath = path.join(dir, 'docker.sock');
      import('node:http').then(({ request }) => {
        const req = request({ socketPath, path: `/v1.41/containers/${testbed.project}-web-1/../../info` }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(answer).toBe(403);
  });
});
