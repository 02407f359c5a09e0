import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { postgresUnavailable } from '@/lib/postgres/errors';
import { redisUnavailable } from '@/lib/redis/errors';

// The dashboard in a container that is not on Mastodon's internal network: db and redis do not resolve.
describe('a backend whose host name does not resolve is "cannot be found", not "down"', () => {
  beforeAll(() => setConfigForTesting(loadConfig({ env: { DATA_DIR: 'data', DB_HOST: 'db', REDIS_HOST: 'redis' } })));
  afterAll(() => setConfigForTesting(undefined));

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('Postgres, %s', (code) => {
    const error = postgresUnavailable(Object.assign(new Error(`getaddrinfo ${code} db`), { code }));
    expect(error).toMatchObject({ code: 'postgres_unreachable', title: "Mastodon's Postgres cannot be found" });
    expect(error.detail).toBe(`db:5432/mastodon_production: the host name does not resolve here (${code}).`);
    expect(error.fix).toMatch(/internal_network/);
  });

  it('Postgres refusing the connection is still "down"', () => {
    const error = postgresUnavailable(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(error.title).toBe("Mastodon's Postgres is down");
  });

  it('Redis, ENOTFOUND', () => {
    const error = redisUnavailable(new Error('getaddrinfo ENOTFOUND redis'));
    expect(error).toMatchObject({ code: 'redis_unreachable', title: "Mastodon's Redis cannot be found" });
    expect(error.fix).toMatch(/internal_network/);
    expect(redisUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:6379')).title).toBe("Mastodon's Redis is down");
  });
});
