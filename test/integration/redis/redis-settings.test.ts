import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { readSidekiq } from '@/lib/mastodon/sidekiq';
import { connectedRedis, resetRedisForTesting } from '@/lib/redis/client';
import { LAYOUTS } from '../../../scripts/testbed/seed/redis-model.mjs';
import { readTestbed } from '../../support/testbed';
import { waitFor } from '../../support/wait';

/**
 * The Sidekiq role's Redis reached the ways Mastodon's lib/mastodon/redis_configuration.rb allows
 * (mastodon/mastodon v4.3.0): an ACL user of its own, and a real Redis Sentinel started on loopback
 * for this file. The main REDIS_* points nowhere, so only the SIDEKIQ_REDIS_* settings can succeed.
 */
const testbed = readTestbed();
const redisUrl = new URL(testbed.redisUrl);
const PASSWORD = decodeURIComponent(redisUrl.password);
const ACL_USER = 'mastodash-s23e-sidekiq';
const ACL_PASSWORD = 'acl-user-pass';
const SENTINEL_PASSWORD = 'sentinel-own-pass';
const NOWHERE = { REDIS_HOST: '127.0.0.1', REDIS_PORT: '1' };

const admin = new Redis(testbed.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });

async function configure(env: Record<string, string>): Promise<void> {
  await resetRedisForTesting();
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: 'mds23e', ...env } }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  await admin.connect();
});

afterEach(async () => {
  await resetRedisForTesting();
  setConfigForTesting(undefined);
});

afterAll(async () => {
  await admin.call('ACL', 'DELUSER', ACL_USER);
  admin.disconnect();
});

describe("Sidekiq's Redis with its own settings", () => {
  it('SIDEKIQ_REDIS_USER/PASSWORD log in as an ACL user, on SIDEKIQ_REDIS_DB', async () => {
    await admin.call('ACL', 'SETUSER', ACL_USER, 'on', `>${ACL_PASSWORD}`, '~*', '&*', '+@all');
    await configure({
      ...NOWHERE,
      SIDEKIQ_REDIS_HOST: redisUrl.hostname,
      SIDEKIQ_REDIS_PORT: redisUrl.port,
      SIDEKIQ_REDIS_DB: String(LAYOUTS.sidekiq8.db),
      SIDEKIQ_REDIS_USER: ACL_USER,
      SIDEKIQ_REDIS_PASSWORD: ACL_PASSWORD,
    });
    const client = await connectedRedis('sidekiq');
    expect(await client.call('ACL', 'WHOAMI')).toBe(ACL_USER);
    expect(String(await client.call('CLIENT', 'INFO'))).toMatch(/ db=2 /);
    const report = await readSidekiq();
    expect(report.redis).toBe(`${redisUrl.hostname}:${redisUrl.port}/2`);
    expect(report.queues.length).toBeGreaterThan(0);
  });
});

describe('Redis Sentinel', () => {
  let sentinel: ChildProcess | undefined;
  let dir = '';
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(path.join(tmpdir(), 'mastodash-sentinel-'));
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `requirepass ${SENTINEL_PASSWORD}`,
        `sentinel monitor mdmaster ${redisUrl.hostname} ${redisUrl.port} 1`,
        `sentinel auth-pass mdmaster ${PASSWORD}`,
        '',
      ].join('\n'),
    );
    sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
    await waitFor('the sentinel to answer', async () => {
      const probe = new Redis({ port, host: '127.0.0.1', password: SENTINEL_PASSWORD, lazyConnect: true });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } catch {
        return undefined;
      } finally {
        probe.disconnect();
      }
    });
  });

  afterAll(() => {
    sentinel?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('SIDEKIQ_REDIS_SENTINEL_MASTER and _SENTINELS find the master, with the sentinel password apart', async () => {
    await configure({
      ...NOWHERE,
      SIDEKIQ_REDIS_SENTINEL_MASTER: 'mdmaster',
      SIDEKIQ_REDIS_SENTINELS: `127.0.0.1:${port}`,
      SIDEKIQ_REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
      SIDEKIQ_REDIS_PASSWORD: PASSWORD,
      SIDEKIQ_REDIS_DB: String(LAYOUTS.sidekiq8.db),
    });
    const client = await connectedRedis('sidekiq');
    expect(String(await client.call('CLIENT', 'INFO'))).toMatch(/ db=2 /);
    const report = await readSidekiq();
    expect(report.redis).toBe(`mdmaster via sentinels 127.0.0.1:${port}/2`);
    expect(report.queues.length).toBeGreaterThan(0);
  });
});
