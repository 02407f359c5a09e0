import { describe, expect, it } from 'vitest';

import { resolveMastodonConnections } from '@/lib/config/mastodon-connections';

describe("Mastodon's own keys as Mastodon reads them (issue 16)", () => {
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
