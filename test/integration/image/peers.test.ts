import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

/**
 * In the container deployment only the host (through the published 127.0.0.1 port) reaches
 * the dashboard, never another container on its networks. The image runs as deploy/compose.mastodash.yml
 * says, on real bridge networks of the test bed's dockerd: internal_network (`internal: true`) and the
 * file's own mastodash_published, with the port published on 127.0.0.1 (docker-proxy; the daemon runs
 * without iptables, so there is no NAT path here). A stand-in sidekiq, from the test project's own sidekiq
 * image (busybox wget), plays the compromised container.
 */

const testbed = readTestbed();
const prefix = 'mastodash-it-peers';
const port = 3231;
const INTERNAL = { name: `${prefix}_internal_network`, subnet: '172.29.21.0/24', gateway: '172.29.21.1' };
const PUBLISHED = { name: `${prefix}_mastodash_published`, subnet: '172.29.20.0/24', gateway: '172.29.20.1' };

async function removeNetworks(): Promise<void> {
  for (const network of [INTERNAL, PUBLISHED]) {
    try {
      await testbedDocker.getNetwork(network.name).remove();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
}

async function removeIntruders(): Promise<void> {
  const leftovers = await testbedDocker.listContainers({
    all: true,
    filters: { label: [`mastodash.test-peers=${prefix}`] },
  });
  for (const container of leftovers) await testbedDocker.getContainer(container.Id).remove({ force: true });
}

async function addressOn(container: string, network: string): Promise<string> {
  const info = await testbedDocker.getContainer(container).inspect();
  const address = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!address) throw new Error(`${container} has no address on ${network}`);
  return address;
}

/** A container of the test project's sidekiq image that only sleeps, on one network. */
async function startIntruder(name: string, network: string): Promise<string> {
  const sidekiq = await testbedDocker.getContainer(`${testbed.project}-sidekiq-1`).inspect();
  const container = await testbedDocker.createContainer({
    name,
    Image: sidekiq.Config.Image,
    Cmd: ['sleep', '600'],
    Labels: { 'mastodash.test-peers': prefix },
    HostConfig: { NetworkMode: network },
  });
  await container.start();
  return name;
}

/**
 * busybox wget from inside a container, as a compromised service would send it (Host: localhost, as through
 * the tunnel). This busybox's wget has no timeout option: busybox timeout bounds it.
 */
async function wgetFrom(container: string, url: string, seconds = 10): Promise<{ exitCode: number; output: string }> {
  return execIn(container, [
    'timeout',
    String(seconds),
    'wget',
    '-q',
    '-O',
    '-',
    '--header',
    'Host: localhost:3001',
    url,
  ]);
}

async function dashboardLog(container: string): Promise<string> {
  return (await testbedDocker.getContainer(container).logs({ stdout: true, stderr: true })).toString('utf8');
}

describe('the image answers the host through the published port, and no other container', () => {
  let stack: RunningStack;
  let dashboard: string;
  let dashboardInternal: string;
  let dashboardPublished: string;
  const sidekiq = `${prefix}-sidekiq`;
  const neighbour = `${prefix}-neighbour`;

  beforeAll(async () => {
    try {
      await testbedDocker.getImage(TEST_IMAGE).inspect();
    } catch {
      throw new Error(`The image ${TEST_IMAGE} is missing. Build it: bash scripts/testbed/image.sh`);
    }
    await removeIntruders();
    await removeStack(prefix);
    await removeNetworks();
    await testbedDocker.createNetwork({
      Name: INTERNAL.name,
      Driver: 'bridge',
      Internal: true,
      IPAM: { Config: [{ Subnet: INTERNAL.subnet, Gateway: INTERNAL.gateway }] },
      Labels: { 'mastodash.test-peers': prefix },
    });
    await testbedDocker.createNetwork({
      Name: PUBLISHED.name,
      Driver: 'bridge',
      IPAM: { Config: [{ Subnet: PUBLISHED.subnet, Gateway: PUBLISHED.gateway }] },
      Labels: { 'mastodash.test-peers': prefix },
    });
    stack = await startStack({
      file: 'proxied',
      prefix,
      port,
      networks: { internal_network: INTERNAL.name, mastodash_published: PUBLISHED.name },
    });
    dashboard = stack.containers.mastodash as string;
    await waitHealthy(dashboard);
    dashboardInternal = await addressOn(dashboard, INTERNAL.name);
    dashboardPublished = await addressOn(dashboard, PUBLISHED.name);
    await startIntruder(sidekiq, INTERNAL.name);
    await startIntruder(neighbour, PUBLISHED.name);
  }, 180_000);

  afterAll(async () => {
    await removeIntruders();
    await removeStack(prefix);
    await removeNetworks();
  });

  it('the compose file gives the published port a network no Mastodon service joins; no external_network', () => {
    const networks = readComposeServices('proxied').get('mastodash')?.get('networks');
    expect(networks).toEqual(['internal_network', 'mastodash_published']);
    expect(readComposeServices('direct').get('mastodash')?.get('networks')).toEqual([
      'internal_network',
      'mastodash_published',
    ]);
  });

  it("control: the intruders' wget works (a page served inside the container itself)", async () => {
    for (const container of [sidekiq, neighbour]) {
      const served = await execIn(container, [
        'sh',
        '-c',
        'mkdir -p /tmp/www && echo reachable > /tmp/www/ok && httpd -p 127.0.0.1:8080 -h /tmp/www',
      ]);
      expect(served.exitCode).toBe(0);
      const attempt = await execIn(container, [
        'timeout',
        '10',
        'wget',
        '-q',
        '-O',
        '-',
        '--header',
        'Host: localhost:3001',
        'http://127.0.0.1:8080/ok',
      ]);
      expect(attempt).toEqual({ exitCode: 0, output: 'reachable\n' });
    }
  });

  it('the host gets the login page through the published 127.0.0.1 port', async () => {
    const response = await fetch(`${stack.url}/login`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Log in to Mastodash');
    // That connection came from the published network's gateway (docker-proxy on the host), and was let in.
    expect(await dashboardLog(dashboard)).toContain(
      `accepting connections only from loopback,gateway (gateway now: ${PUBLISHED.gateway})`,
    );
  });

  it("a container on internal_network gets no answer at the dashboard's address; the refusal is logged", async () => {
    const intruderAddress = await addressOn(sidekiq, INTERNAL.name);
    const attempt = await wgetFrom(sidekiq, `http://${dashboardInternal}:3001/login`);
    expect(attempt.exitCode).not.toBe(0);
    expect(attempt.output).not.toContain('Mastodash');
    // The connection did reach the dashboard (the network path is there) and was reset by it.
    const log = await dashboardLog(dashboard);
    expect(log).toContain(
      `refused a connection from ${intruderAddress}: ACCEPT_CONNECTIONS_FROM=loopback,gateway accepts loopback, the` +
        ` gateway (${PUBLISHED.gateway}) only`,
    );
  });

  it('nor at its address on the published network, which an internal network cannot route to', async () => {
    // It never connects (nothing routes there from an internal network): a short wait says as much as a long one.
    const attempt = await wgetFrom(sidekiq, `http://${dashboardPublished}:3001/login`, 3);
    expect(attempt.exitCode).not.toBe(0);
    expect(attempt.output).not.toContain('Mastodash');
  });

  it('a container on the published network is refused too: only its gateway, the host, is accepted', async () => {
    const neighbourAddress = await addressOn(neighbour, PUBLISHED.name);
    const attempt = await wgetFrom(neighbour, `http://${dashboardPublished}:3001/login`);
    expect(attempt.exitCode).not.toBe(0);
    expect(attempt.output).not.toContain('Mastodash');
    expect(await dashboardLog(dashboard)).toContain(`refused a connection from ${neighbourAddress}:`);
  });

  it('the refusals flood nothing: 30 more attempts add at most one log line (a new minute)', async () => {
    const before = (await dashboardLog(dashboard))
      .split('\n')
      .filter((line) => line.includes('refused a connection')).length;
    for (let i = 0; i < 30; i++)
      expect((await wgetFrom(sidekiq, `http://${dashboardInternal}:3001/login`)).exitCode).not.toBe(0);
    const after = (await dashboardLog(dashboard))
      .split('\n')
      .filter((line) => line.includes('refused a connection')).length;
    expect(after - before).toBeLessThanOrEqual(1);
    // And the host still gets in.
    expect((await fetch(`${stack.url}/login`)).status).toBe(200);
  }, 120_000);
});
