import { request } from 'node:http';
import { statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';

import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { execCreateBody, type ExecArgv } from '@/lib/docker/exec-programs';
import { VERSION_RB_PATH, VERSION_RB_PROGRAM } from '@/lib/mastodon/running-version';
import { buildApproveArgv, buildCreateAccountArgv } from '@/lib/mastodon/tootctl';
import { parseMastodonVersion } from '@/lib/mastodon/version';

import { MASTODON_MEDIA_PATH } from '@/lib/mastodon/media-path';
import { MEDIA_DU_ARGS } from '@/lib/mastodon/storage/media-folder';
import {
  execIn,
  readComposeServices,
  removeStack,
  startStack,
  TEST_IMAGE,
  testbedDocker,
  waitHealthy,
  type RunningStack,
} from '../../support/compose-stack';
import { readTestbed } from '../../support/testbed';

const testbed = readTestbed();

async function requireImage(): Promise<void> {
  try {
    await testbedDocker.getImage(TEST_IMAGE).inspect();
  } catch {
    throw new Error(`The image ${TEST_IMAGE} is missing. Build it: bash scripts/testbed/image.sh`);
  }
}

/** Numeric uids of every process in the container, as the host's ps sees them. */
async function processUids(container: string): Promise<string[]> {
  const top = (await testbedDocker.getContainer(container).top({ ps_args: '-o uid,pid,comm' })) as {
    Processes: string[][];
  };
  return top.Processes.map((row) => String(row[0]));
}

function callSocket(
  socketPath: string,
  method: string,
  urlPath: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path: urlPath, headers: body ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the image, run as deploy/compose.mastodash.yml says (with the socket proxy)', () => {
  const prefix = 'mastodash-it-proxied';
  let stack: RunningStack;
  let healthyAfterMs: number;

  beforeAll(async () => {
    await requireImage();
    stack = await startStack({ file: 'proxied', prefix, port: 3211 });
    const [proxyMs, dashboardMs] = await Promise.all([
      waitHealthy(stack.containers['mastodash-socket-proxy'] as string),
      waitHealthy(stack.containers.mastodash as string),
    ]);
    healthyAfterMs = Math.max(proxyMs, dashboardMs);
  }, 180_000);

  afterAll(async () => {
    await removeStack(prefix);
  });

  it('both containers turn healthy through their own health checks', async () => {
    for (const name of Object.values(stack.containers)) {
      expect((await testbedDocker.getContainer(name).inspect()).State.Health?.Status).toBe('healthy');
    }
    // The image's check runs every 15 s: the first passing one makes it healthy.
    expect(healthyAfterMs).toBeLessThan(40_000);
  });

  it('runs every process as the non-root user node (uid 1000), in both containers', async () => {
    for (const name of Object.values(stack.containers)) {
      const info = await testbedDocker.getContainer(name).inspect();
      expect(info.Config.User).toBe('node');
      const uids = await processUids(name);
      expect(uids.length).toBeGreaterThan(0);
      expect(new Set(uids)).toEqual(new Set(['1000']));
      expect((await execIn(name, ['id', '-u'])).output.trim()).toBe('1000');
    }
  });

  it('gives the dashboard no Docker socket of its own, only the proxy’s, and serves the login page', async () => {
    const dashboard = stack.containers.mastodash as string;
    expect((await execIn(dashboard, ['test', '-e', '/var/run/docker.sock'])).exitCode).toBe(1);
    expect((await execIn(dashboard, ['test', '-S', '/run/mastodash-proxy/docker.sock'])).exitCode).toBe(0);
    const login = await fetch(`${stack.url}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Mastodash');
  });

  it('mounts Mastodon’s directory read-only', async () => {
    const result = await execIn(stack.containers.mastodash as string, [
      'sh',
      '-c',
      'cat /mastodon/.env.production >/dev/null && touch /mastodon/x',
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/Read-only file system/);
  });

  it('the proxy socket is the dashboard user’s alone, and it refuses to create a container (none is)', async () => {
    const volume = await testbedDocker.getVolume(`${prefix}-mastodash-proxy`).inspect();
    const socketPath = path.join(volume.Mountpoint, 'docker.sock');
    const stat = statSync(socketPath);
    expect(stat.uid).toBe(1000);
    expect(stat.mode & 0o777).toBe(0o600);

    const before = (await testbedDocker.listContainers({ all: true })).length;
    const created = await callSocket(
      socketPath,
      'POST',
      '/v1.41/containers/create',
      JSON.stringify({ Image: TEST_IMAGE, HostConfig: { Binds: ['/:/host'] } }),
    );
    expect(created.status).toBe(403);
    expect(JSON.parse(created.text)).toEqual({
      message: 'mastodash socket proxy: POST /v1.41/containers/create refused: the dashboard never makes this call',
    });
    expect((await testbedDocker.listContainers({ all: true })).length).toBe(before);

    const other = await callSocket(socketPath, 'POST', `/v1.41/containers/${testbed.otherProject}-web-1/restart`);
    expect(other.status).toBe(403);
    const ping = await callSocket(socketPath, 'GET', '/_ping');
    expect(ping).toEqual({ status: 200, text: 'OK' });

    const logs = (
      await testbedDocker
        .getContainer(stack.containers['mastodash-socket-proxy'] as string)
        .logs({ stdout: true, stderr: true })
    ).toString('utf8');
    expect(logs).toContain('refused POST /v1.41/containers/create: the dashboard never makes this call');
  });
});

describe('the image, run as deploy/compose.mastodash-direct.yml says (the socket through its group)', () => {
  const prefix = 'mastodash-it-direct';
  let stack: RunningStack;

  beforeAll(async () => {
    await requireImage();
    stack = await startStack({ file: 'direct', prefix, port: 3212 });
    await waitHealthy(stack.containers.mastodash as string);
  }, 180_000);

  afterAll(async () => {
    await removeStack(prefix);
  });

  it('runs as uid 1000 with the socket’s group added, and may open the socket', async () => {
    const dashboard = stack.containers.mastodash as string;
    const socketGid = String(statSync(testbed.dockerHost.replace(/^unix:\/\//, '')).gid);
    expect(new Set(await processUids(dashboard))).toEqual(new Set(['1000']));
    const groups = (await execIn(dashboard, ['id', '-G'])).output.trim().split(' ');
    expect(groups).toContain(socketGid);
    const ping = await execIn(dashboard, [
      'node',
      '-e',
      "require('http').get({socketPath:'/var/run/docker.sock',path:'/_ping'}," +
        'r=>{process.stdout.write(String(r.statusCode));process.exit(0)})',
    ]);
    expect(ping.output).toBe('200');
  });

  it('the file publishes nothing but 127.0.0.1:3001, joins internal_network, and keeps its data in a volume', () => {
    for (const file of ['direct', 'proxied'] as const) {
      const dashboard = readComposeServices(file).get('mastodash');
      expect(dashboard?.get('ports')).toEqual(['127.0.0.1:3001:3001']);
      expect(dashboard?.get('networks')).toEqual(expect.arrayContaining(['internal_network']));
      expect(dashboard?.get('volumes')).toEqual(expect.arrayContaining(['.:/mastodon:ro', 'mastodash-data:/data']));
    }
    expect(readComposeServices('proxied').get('mastodash-socket-proxy')?.get('network_mode')).toBe('none');
  });
});

describe('the image’s socket proxy contains a dashboard taken over', () => {
  const prefix = 'mastodash-it-contain';
  // A compose project of this test's own, so that the containers it adds are seen by no other test.
  const project = 'mdcontain';
  const name = (service: string) => `${prefix}-${service}-1`;
  const labels = (service: string) => ({
    'mastodash.test-stack': prefix,
    'com.docker.compose.project': project,
    'com.docker.compose.service': service,
    'com.docker.compose.container-number': '1',
  });
  let stack: RunningStack;
  let proxied: Docker;
  let socketPath: string;

  beforeAll(async () => {
    await requireImage();
    stack = await startStack({
      file: 'proxied',
      prefix,
      port: 3231,
      adjust: (_, definition) => {
        const environment = definition.get('environment');
        if (environment instanceof Map) environment.set('COMPOSE_PROJECT', project);
      },
    });
    // web and db from the stand-in Mastodon image (it has tootctl); the proxy's and the dashboard's from
    // the Mastodash image, as compose would label them in Mastodon's project.
    const standIn = (await testbedDocker.getContainer(`${testbed.project}-web-1`).inspect()).Config.Image;
    const socket = testbed.dockerHost.replace(/^unix:\/\//, '');
    const decoys: [string, string, Docker.HostConfig, boolean][] = [
      ['web', standIn, {}, true],
      ['db', standIn, {}, false],
      ['mastodash-socket-proxy', TEST_IMAGE, { Binds: [`${socket}:/var/run/docker.sock:ro`] }, false],
      ['admin', TEST_IMAGE, {}, false],
    ];
    for (const [service, image, hostConfig, start] of decoys) {
      const container = await testbedDocker.createContainer({
        name: name(service),
        Image: image,
        Entrypoint: ['sleep', 'infinity'],
        Cmd: [],
        User: '0',
        Labels: labels(service),
        // No health check: its execs would show among the ExecIDs that the refusals are checked against.
        Healthcheck: { Test: ['NONE'] },
        HostConfig: { NetworkMode: 'none', ...hostConfig },
      });
      if (start) await container.start();
    }
    await waitHealthy(stack.containers['mastodash-socket-proxy'] as string);
    const volume = await testbedDocker.getVolume(`${prefix}-mastodash-proxy`).inspect();
    socketPath = path.join(volume.Mountpoint, 'docker.sock');
    proxied = new Docker({ socketPath });
  }, 180_000);

  afterAll(async () => {
    await removeStack(prefix);
  });

  async function run(argv: ExecArgv, user?: string): Promise<{ exitCode: number | null; output: string }> {
    const exec = await proxied.getContainer(name('web')).exec(execCreateBody(argv, user));
    const stream = await exec.start({ hijack: true, stdin: false });
    const collected = new PassThrough();
    let output = '';
    collected.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    proxied.modem.demuxStream(stream, collected, collected);
    await new Promise((resolve) => stream.on('end', resolve));
    return { exitCode: (await exec.inspect()).ExitCode, output };
  }

  it('lets every exec the dashboard makes through to web, as the dashboard sends it', async () => {
    // Inside the media folder, which the allow-list holds du to (mkdir -p makes the folder in this bare container).
    const media = `${MASTODON_MEDIA_PATH}/s22a`;
    expect((await execIn(name('web'), ['mkdir', '-p', media])).exitCode).toBe(0);
    const version = parseMastodonVersion('v4.3.17')!;
    const commands: [ExecArgv, string | undefined][] = [
      [['id', '-u', 'mastodon'], undefined],
      [['id', '-g', 'mastodon'], undefined],
      [['ls', '-1', '/opt/mastodon/db/migrate'], undefined],
      [['stat', '-c', '%u:%g %a %U:%G %Z', '--', media], '0'],
      [['find', media, '-xdev', '(', '!', '-user', '991', '-o', '!', '-group', '991', ')', '-print0'], '0'],
      [['chown', '-R', '-h', '-c', '991:991', '--', media], '0'],
      // After the chown, so that Mastodon's uid may write there and test answers 0.
      [['test', '-w', media], '991:991'],
      // du only ever measures the media folder (the allow-list holds it to that): the storage panel's own command.
      [['timeout', '60', 'du', ...MEDIA_DU_ARGS], undefined],
      // Without a network here tootctl cannot reach a database: what counts is that the proxy lets it run.
      [
        buildCreateAccountArgv(
          { username: 'contained', email: 'contained@example.org', role: 'Owner', confirmed: true, approve: true },
          version,
        ),
        undefined,
      ],
      [buildApproveArgv('contained'), undefined],
      // The test bed's stand-in image has no version.rb: cat fails there, but the proxy must let it run.
      [[VERSION_RB_PROGRAM, VERSION_RB_PATH], undefined],
    ];
    for (const [argv, user] of commands) {
      const result = await run(argv, user);
      expect(result.output, argv.join(' ')).not.toContain('mastodash socket proxy');
      if (argv[0] !== 'tootctl' && argv[0] !== VERSION_RB_PROGRAM)
        expect(result.exitCode, `${argv.join(' ')}: ${result.output}`).toBe(0);
    }
    expect((await run(['stat', '-c', '%u:%g', '--', media], '0')).output.trim()).toBe('991:991');
  });

  it.each([
    ['a privileged exec', 'web', { ...execCreateBody(['id']), Privileged: true }, 'a privileged exec is refused'],
    ['sh -c', 'web', { ...execCreateBody(['id']), Cmd: ['sh', '-c', 'id'] }, 'the dashboard never runs "sh"'],
    ['an exec as another user', 'web', execCreateBody(['id'], '0'), 'the dashboard never runs id as user "0"'],
    [
      'an exec with Env',
      'web',
      { ...execCreateBody(['id']), Env: ['RAILS_ENV=development'] },
      'the dashboard never sends Env in an exec',
    ],
    [
      'an app container’s command into db',
      'db',
      execCreateBody(['id']),
      'the dashboard runs id only in web and sidekiq, not in db',
    ],
    [
      'an exec into the proxy’s container',
      'mastodash-socket-proxy',
      execCreateBody(['id']),
      "may only be inspected: it mounts Docker's socket",
    ],
    [
      'an exec into a container of the Mastodash image',
      'admin',
      execCreateBody(['id']),
      "may only be inspected: it is the dashboard's own container",
    ],
  ])('refuses %s with 403 and the reason', async (_, service, body, reason) => {
    const target = name(service);
    await expect(proxied.getContainer(target).exec(body)).rejects.toMatchObject({
      statusCode: 403,
      json: {
        message: expect.stringContaining(`mastodash socket proxy: POST /containers/${target}/exec refused: `) as string,
      },
    });
    await expect(proxied.getContainer(target).exec(body)).rejects.toMatchObject({
      json: { message: expect.stringContaining(reason) as string },
    });
    expect((await testbedDocker.getContainer(target).inspect()).ExecIDs ?? []).toHaveLength(0);
  });

  it('refuses a chunked exec body and restart or logs of the proxy’s container, but allows inspecting it', async () => {
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath,
          method: 'POST',
          path: `/v1.41/containers/${name('web')}/exec`,
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      const body = JSON.stringify(execCreateBody(['id']));
      req.write(body.slice(0, 5));
      req.end(body.slice(5));
    });
    expect(chunked.status).toBe(403);
    expect(JSON.parse(chunked.text)).toEqual({
      message:
        `mastodash socket proxy: POST /v1.41/containers/${name('web')}/exec refused: a chunked body is` +
        ` refused: send it with a Content-Length`,
    });
    const proxy = proxied.getContainer(name('mastodash-socket-proxy'));
    await expect(proxy.restart()).rejects.toMatchObject({ statusCode: 403 });
    await expect(proxy.logs({ stdout: true })).rejects.toMatchObject({ statusCode: 403 });
    expect((await proxy.inspect()).Config.Labels['com.docker.compose.service']).toBe('mastodash-socket-proxy');
  });

  it('answers disk usage with the project’s containers, images and volumes only', async () => {
    const df = (await proxied.df()) as {
      Containers: { Names: string[] }[];
      Images: { Id: string }[];
      Volumes: { Name: string }[];
      LayersSize?: number;
    };
    const services = ['admin', 'db', 'mastodash-socket-proxy', 'web'];
    expect(df.Containers.map((c) => c.Names[0]).sort()).toEqual(services.map((service) => `/${name(service)}`));
    const inspected = await Promise.all(services.map((service) => testbedDocker.getContainer(name(service)).inspect()));
    expect(new Set(df.Images.map((image) => image.Id))).toEqual(new Set(inspected.map((info) => info.Image)));
    // The Mastodash image declares VOLUME /data: its containers' anonymous volumes are the project's.
    const volumes = inspected.flatMap((info) =>
      info.Mounts.filter((mount) => mount.Type === 'volume').map((mount) => mount.Name),
    );
    expect(df.Volumes.map((volume) => volume.Name).sort()).toEqual(volumes.sort());
    expect(df.LayersSize).toBeUndefined();
  });

  it('names each refusal in the proxy’s log', async () => {
    const logs = (
      await testbedDocker
        .getContainer(stack.containers['mastodash-socket-proxy'] as string)
        .logs({ stdout: true, stderr: true })
    ).toString('utf8');
    expect(logs).toContain(
      `refused POST /containers/${name('db')}/exec: the dashboard runs id only in web and sidekiq, not in db`,
    );
    expect(logs).toContain(`refused POST /containers/${name('web')}/exec: a privileged exec is refused`);
  });
});
