import { request } from 'node:http';
import { statSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { execIn, readComposeServices, removeStack, startStack, TEST_IMAGE, testbedDocker, waitHealthy, type RunningStack } from '../../support/compose-stack';
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
  const top = (await testbedDocker.getContainer(container).top({ ps_args: '-o uid,pid,comm' })) as { Processes: string[][] };
  return top.Processes.map((row) => String(row[0]));
}

function callSocket(socketPath: string, method: string, urlPath: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path: urlPath, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
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
    const result = await execIn(stack.containers.mastodash as string, ['sh', '-c', 'cat /mastodon/.env.production >/dev/null && touch /mastodon/x']);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/Read-only file system/);
  });

  it('the proxy socket is the dashboard user’s alone, and it refuses to create a container (none is created)', async () => {
    const volume = await testbedDocker.getVolume(`${prefix}-mastodash-proxy`).inspect();
    const socketPath = path.join(volume.Mountpoint, 'docker.sock');
    const stat = statSync(socketPath);
    expect(stat.uid).toBe(1000);
    expect(stat.mode & 0o777).toBe(0o600);

    const before = (await testbedDocker.listContainers({ all: true })).length;
    const created = await callSocket(socketPath, 'POST', '/v1.41/containers/create', JSON.stringify({ Image: TEST_IMAGE, HostConfig: { Binds: ['/:/host'] } }));
    expect(created.status).toBe(403);
    expect(JSON.parse(created.text)).toEqual({ message: 'mastodash socket proxy: POST /v1.41/containers/create refused: the dashboard never makes this call' });
    expect((await testbedDocker.listContainers({ all: true })).length).toBe(before);

    const other = await callSocket(socketPath, 'POST', `/v1.41/containers/${testbed.otherProject}-web-1/restart`);
    expect(other.status).toBe(403);
    const ping = await callSocket(socketPath, 'GET', '/_ping');
    expect(ping).toEqual({ status: 200, text: 'OK' });

    const logs = (await testbedDocker.getContainer(stack.containers['mastodash-socket-proxy'] as string).logs({ stdout: true, stderr: true })).toString('utf8');
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
    const ping = await execIn(dashboard, ['node', '-e', "require('http').get({socketPath:'/var/run/docker.sock',path:'/_ping'},r=>{process.stdout.write(String(r.statusCode));process.exit(0)})"]);
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
