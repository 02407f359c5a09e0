import { describe, expect, it } from 'vitest';

import { ConfigError, isLoopbackHost, loadConfig, type EnvSource } from '@/lib/config';
import { configProblems } from '@/test/support/config-problems';

const ENV_PRODUCTION = [
  'LOCAL_DOMAIN=social.example',
  'DB_HOST=db',
  'DB_PORT=5432',
  'DB_NAME="mastodon_production"',
  'DB_USER=mastodon',
  "DB_PASS='pa ss#word'",
  'REDIS_HOST=redis',
  'REDIS_PORT=6379',
  'REDIS_PASSWORD=redis-secret',
  'PORT=3000',
  'SECRET_KEY_BASE=abcdef',
].join('\n');

function load(env: EnvSource, file = ENV_PRODUCTION) {
  return loadConfig({ env, cwd: '/srv', readFile: () => file });
}

function problemsOf(env: EnvSource, file?: string): string[] {
  return configProblems(() => load(env, file));
}

describe('loadConfig', () => {
  it('has safe defaults: loopback 127.0.0.1:3001, project mastodon, the local Docker socket', () => {
    const config = load({});
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 3001,
      allowNonLoopback: false,
      isLoopback: true,
      acceptConnectionsFrom: { kind: 'any' },
    });
    expect(config.composeProject).toBe('mastodon');
    expect(config.docker).toMatchObject({ kind: 'socket', socketPath: '/var/run/docker.sock' });
    expect(config.dataDir).toBe('/srv/data');
    expect(config.influx.url).toBeUndefined();
  });

  it("takes Mastodon's database, Redis and domain from MASTODON_DIR/.env.production", () => {
    const config = load({ MASTODON_DIR: '/home/mastodon/live' });
    expect(config.mastodon.envFile).toBe('/home/mastodon/live/.env.production');
    expect(config.mastodon.localDomain).toBe('social.example');
    expect(config.mastodon.postgres).toMatchObject({
      host: 'db',
      port: 5432,
      database: 'mastodon_production',
      user: 'mastodon',
      password: 'pa ss#word',
    });
    expect(config.mastodon.redis.url).toBe('redis://:redis-secret@redis:6379/0');
    expect(config.mastodon.redis.label).toBe('redis:6379/0');
    expect(config.mastodon.cacheRedis).toEqual(config.mastodon.redis);
    expect(config.mastodon.sidekiqRedis).toEqual(config.mastodon.redis);
    expect(config.mastodon.sources.DB_HOST).toBe('file');
  });

  it("ignores the file's own PORT: only Mastodon's connection keys are taken from it", () => {
    expect(load({ MASTODON_DIR: '/m' }).server.port).toBe(3001);
  });

  it('explicit environment variables win over the file', () => {
    const config = load({ MASTODON_DIR: '/m', DB_HOST: '127.0.0.1', REDIS_URL: 'redis://127.0.0.1:6380/2' });
    expect(config.mastodon.postgres.host).toBe('127.0.0.1');
    expect(config.mastodon.sources.DB_HOST).toBe('env');
    expect(config.mastodon.redis.label).toBe('127.0.0.1:6380/2');
  });

  it('separate cache and Sidekiq Redis, and the namespace, as Mastodon resolves them', () => {
    const config = load(
      { MASTODON_DIR: '/m' },
      'REDIS_HOST=redis\nCACHE_REDIS_HOST=cache\nCACHE_REDIS_DB=3\nSIDEKIQ_REDIS_URL=redis://jobs:6379/1\nREDIS_NAMESPACE=ns',
    );
    expect(config.mastodon.cacheRedis.label).toBe('cache:6379/3');
    expect(config.mastodon.sidekiqRedis.label).toBe('jobs:6379/1');
    expect(config.mastodon.redisNamespace).toBe('ns');
  });

  it("uses Mastodon's production defaults when .env.production leaves keys out", () => {
    const config = load({ MASTODON_DIR: '/m' }, 'LOCAL_DOMAIN=x.example');
    expect(config.mastodon.postgres).toMatchObject({
      host: 'localhost',
      port: 5432,
      database: 'mastodon_production',
      user: 'mastodon',
    });
    expect(config.mastodon.redis.label).toBe('localhost:6379/0');
  });

  it('parses DOCKER_HOST as a socket or a TCP address', () => {
    expect(load({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).docker).toMatchObject({
      kind: 'socket',
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(load({ DOCKER_HOST: 'tcp://socket-proxy:2375' }).docker).toMatchObject({
      kind: 'tcp',
      host: 'socket-proxy',
      port: 2375,
      protocol: 'http',
    });
  });

  it('names the bad key and shows what a good value looks like', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual([expect.stringMatching(/^PORT: .*whole number.*got "abc".*PORT=3001/)]);
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: must be at most 65535/);
    expect(problemsOf({ COMPOSE_PROJECT: 'My Project' })[0]).toMatch(
      /^COMPOSE_PROJECT: must be a compose project name/,
    );
    expect(problemsOf({ DOCKER_HOST: '/var/run/docker.sock' })[0]).toMatch(
      /^DOCKER_HOST: must be unix:\/\/\/path or tcp:\/\/host:port/,
    );
    expect(problemsOf({ INFLUX_URL: 'localhost:8086' })[0]).toMatch(/^INFLUX_URL: must be an http/);
    expect(problemsOf({ ALLOW_NON_LOOPBACK: 'maybe' })[0]).toMatch(/^ALLOW_NON_LOOPBACK: must be true or false/);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: 'x', COMPOSE_PROJECT: 'A B', DOCKER_TIMEOUT_MS: '1' })).toHaveLength(3);
  });

  it('names a missing or unreadable .env.production', () => {
    const missing = () => {
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    };
    try {
      loadConfig({ env: { MASTODON_DIR: '/nowhere' }, readFile: missing, cwd: '/' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems[0]?.message).toMatch(/\/nowhere\/.env.production does not exist/);
    }
  });

  it('never echoes secret values in messages', () => {
    const problems = problemsOf({
      MASTODON_DIR: '/m',
      DB_PORT: 'hunter2-secret',
      DATABASE_URL: 'mysql://user:topsecret@x',
    });
    expect(problems.join('\n')).not.toMatch(/topsecret/);
    expect(problems.some((p) => p.startsWith('DATABASE_URL: is not a valid URL (value hidden)'))).toBe(true);
    expect(problemsOf({ INFLUX_TOKEN: '   ' }).join('')).not.toMatch(/ {3}/);
  });

  it('refuses a non-loopback HOST unless ALLOW_NON_LOOPBACK=true, and then warns', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })[0]).toMatch(/^HOST: "0.0.0.0" is not a loopback address/);
    expect(problemsOf({ HOST: '203.0.113.5' })).toHaveLength(1);
    const allowed = load({ HOST: '0.0.0.0', ALLOW_NON_LOOPBACK: 'true' });
    expect(allowed.server).toMatchObject({ host: '0.0.0.0', isLoopback: false });
    expect(allowed.warnings[0]).toMatch(/not loopback/);
  });

  it('parses ACCEPT_CONNECTIONS_FROM, and warns when a non-loopback HOST accepts any peer', () => {
    expect(load({ ACCEPT_CONNECTIONS_FROM: 'loopback,gateway' }).server.acceptConnectionsFrom).toEqual({
      kind: 'listed',
      gateway: true,
      addresses: [],
    });
    expect(load({ ACCEPT_CONNECTIONS_FROM: '::ffff:10.1.2.3' }).server.acceptConnectionsFrom).toEqual({
      kind: 'listed',
      gateway: false,
      addresses: ['10.1.2.3'],
    });
    expect(problemsOf({ ACCEPT_CONNECTIONS_FROM: 'gateway,sidekiq' })).toEqual([
      'ACCEPT_CONNECTIONS_FROM: "sidekiq" is not loopback, gateway or an IP address (got "gateway,sidekiq"); for example ACCEPT_CONNECTIONS_FROM=loopback,gateway',
    ]);
    expect(problemsOf({ ACCEPT_CONNECTIONS_FROM: 'any,gateway' })[0]).toMatch(
      /^ACCEPT_CONNECTIONS_FROM: any stands alone/,
    );

    const open = load({ HOST: '0.0.0.0', ALLOW_NON_LOOPBACK: 'true' });
    expect(
      open.warnings.some((warning) =>
        warning.startsWith('ACCEPT_CONNECTIONS_FROM=any: every address that reaches this one'),
      ),
    ).toBe(true);
    const guarded = load({ HOST: '0.0.0.0', ALLOW_NON_LOOPBACK: 'true', ACCEPT_CONNECTIONS_FROM: 'loopback,gateway' });
    expect(guarded.warnings.some((warning) => warning.startsWith('ACCEPT_CONNECTIONS_FROM'))).toBe(false);
    // On loopback only loopback peers exist, so the default any is no warning there.
    expect(load({}).warnings).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['dash.localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.0.2.1', false],
    ['localhost.evil.example', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
