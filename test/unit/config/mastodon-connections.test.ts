import { describe, expect, it } from 'vitest';

import { resolveMastodonConnections } from '@/lib/config/mastodon-connections';

describe("Mastodon's own keys as Mastodon reads them", () => {
  it('takes EMAIL_DOMAIN_WHITELIST, the older name Mastodon still reads, as the allowlist too', () => {
    expect(
      resolveMastodonConnections({ EMAIL_DOMAIN_WHITELIST: 'example.org' }).registrationOverrides.emailDomainAllowlist,
    ).toBe(true);
    expect(
      resolveMastodonConnections({ EMAIL_DOMAIN_ALLOWLIST: 'example.org' }).registrationOverrides.emailDomainAllowlist,
    ).toBe(true);
    expect(resolveMastodonConnections({}).registrationOverrides.emailDomainAllowlist).toBe(false);
  });

  it('uses CACHE_REDIS_USER and SIDEKIQ_REDIS_USER for their own connections, as setup_config does from 4.3', () => {
    const connections = resolveMastodonConnections({
      REDIS_HOST: 'redis',
      REDIS_USER: 'main',
      REDIS_PASSWORD: 'p0',
      CACHE_REDIS_HOST: 'cache',
      CACHE_REDIS_USER: 'cacheuser',
      CACHE_REDIS_PASSWORD: 'p1',
      SIDEKIQ_REDIS_HOST: 'jobs',
      SIDEKIQ_REDIS_USER: 'jobsuser',
      SIDEKIQ_REDIS_PASSWORD: 'p2',
    });
    expect(connections.redis.url).toBe('redis://main:p0@redis:6379/0');
    expect(connections.cacheRedis.url).toBe('redis://cacheuser:p1@cache:6379/0');
    expect(connections.sidekiqRedis.url).toBe('redis://jobsuser:p2@jobs:6379/0');
  });
});

// Each case is a branch of setup_config in mastodon/mastodon v4.3.0 lib/mastodon/redis_configuration.rb
// (unchanged through v4.5.x apart from REDIS_NAMESPACE), and of its spec beside it.
describe('Redis settings resolve as redis_configuration.rb does', () => {
  const resolve = (values: Record<string, string>) => resolveMastodonConnections(values);

  it('defaults to localhost:6379/0 for every role', () => {
    const { redis, cacheRedis, sidekiqRedis } = resolve({});
    expect([redis.url, cacheRedis.url, sidekiqRedis.url]).toEqual(Array(3).fill('redis://localhost:6379/0'));
  });

  it('REDIS_URL wins over REDIS_HOST and the sentinel keys, and says it ignores them', () => {
    const resolved = resolve({
      REDIS_URL: 'redis://:pw@url-host:6380/3',
      REDIS_HOST: 'ignored',
      REDIS_SENTINEL_MASTER: 'm',
      REDIS_SENTINELS: 's1',
    });
    expect(resolved.redis.url).toBe('redis://:pw@url-host:6380/3');
    expect(resolved.redis.sentinel).toBeUndefined();
    expect(resolved.redisNotices.join('\n')).toContain('REDIS_URL is set, so Mastodon ignores REDIS_HOST');
    expect(resolved.redisNotices.join('\n')).not.toContain('pw');
  });

  it('builds the URL from HOST, PORT, DB and PASSWORD', () => {
    const { redis } = resolve({ REDIS_HOST: 'redis2', REDIS_PORT: '3322', REDIS_DB: '8', REDIS_PASSWORD: 'p 1' });
    expect(redis.url).toBe('redis://:p%201@redis2:3322/8');
    expect(redis.label).toBe('redis2:3322/8');
  });

  it('a role without URL, HOST or sentinels takes the main Redis whole, sentinels included', () => {
    const resolved = resolve({
      REDIS_SENTINEL_MASTER: 'mainsentinel',
      REDIS_SENTINELS: 's1,s2:5000',
      REDIS_PASSWORD: 'pw',
      SIDEKIQ_REDIS_DB: '4',
    });
    expect(resolved.sidekiqRedis).toBe(resolved.redis);
    expect(resolved.cacheRedis).toBe(resolved.redis);
    expect(resolved.redis.url).toBe('redis://:pw@mainsentinel/0');
    expect(resolved.redisNotices.join('\n')).toContain('SIDEKIQ_REDIS_DB without SIDEKIQ_REDIS_HOST');
  });

  it('a role with its own HOST reads only its own PORT, DB, USER and PASSWORD (no main defaults)', () => {
    const resolved = resolve({ REDIS_HOST: 'main', REDIS_PORT: '7000', REDIS_DB: '2', CACHE_REDIS_HOST: 'cache' });
    expect(resolved.cacheRedis.url).toBe('redis://cache:6379/0');
  });

  it('SIDEKIQ_REDIS_URL gives Sidekiq a different db while the cache stays on REDIS_URL', () => {
    const resolved = resolve({ REDIS_URL: 'redis://redis:6379/0', SIDEKIQ_REDIS_URL: 'redis://redis:6379/5' });
    expect(resolved.sidekiqRedis.label).toBe('redis:6379/5');
    expect(resolved.cacheRedis.label).toBe('redis:6379/0');
  });

  it('sentinels: the master name is the host, the role password authenticates to sentinels too', () => {
    const { redis } = resolve({
      REDIS_SENTINEL_MASTER: 'mainsentinel',
      REDIS_SENTINELS: '192.168.0.1,192.168.0.2:4000',
      REDIS_HOST: 'ignored-host',
      REDIS_PORT: '1234',
      REDIS_USER: 'u',
      REDIS_PASSWORD: 'testpass1',
    });
    expect(redis.url).toBe('redis://u:testpass1@mainsentinel/0');
    expect(redis.sentinel).toEqual({
      name: 'mainsentinel',
      sentinels: [
        { host: '192.168.0.1', port: 26379 },
        { host: '192.168.0.2', port: 4000 },
      ],
      username: 'u',
      password: 'testpass1',
    });
    expect(redis.label).not.toContain('testpass1');
  });

  it('sentinels: dedicated SENTINEL_USERNAME/PASSWORD and a default SENTINEL_PORT, per role', () => {
    const { cacheRedis } = resolve({
      CACHE_REDIS_SENTINEL_MASTER: 'cachemaster',
      CACHE_REDIS_SENTINELS: 'a,b:1',
      CACHE_REDIS_SENTINEL_PORT: '3000',
      CACHE_REDIS_SENTINEL_USERNAME: 'sentinel_user',
      CACHE_REDIS_SENTINEL_PASSWORD: 'sentinel_pass1',
      CACHE_REDIS_DB: '3',
    });
    expect(cacheRedis.url).toBe('redis://cachemaster/3');
    expect(cacheRedis.sentinel).toEqual({
      name: 'cachemaster',
      sentinels: [
        { host: 'a', port: 3000 },
        { host: 'b', port: 1 },
      ],
      username: 'sentinel_user',
      password: 'sentinel_pass1',
    });
  });

  it('a sentinel master without sentinels (or the reverse) is not sentinel mode, and says so', () => {
    const resolved = resolve({ REDIS_SENTINEL_MASTER: 'm', REDIS_HOST: 'redis' });
    expect(resolved.redis.sentinel).toBeUndefined();
    expect(resolved.redis.url).toBe('redis://redis:6379/0');
    expect(resolved.redisNotices.join('\n')).toContain('REDIS_SENTINEL_MASTER is set without its pair');
  });

  it('an empty REDIS_HOST, with which Mastodon does not start, is reported', () => {
    const resolved = resolve({ REDIS_HOST: '' });
    expect(resolved.redis.url).toBe('redis://localhost:6379/0');
    expect(resolved.redisNotices.join('\n')).toContain('REDIS_HOST is empty');
  });
});
