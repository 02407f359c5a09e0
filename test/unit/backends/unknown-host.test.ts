import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { postgresUnavailable } from '@/lib/postgres/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { redisUnavailable } from '@/lib/redis/errors';

// The dashboard in a container that is not on Mastodon's internal network: db and redis do not resolve.
describe('a backend whose host name does not resolve is "cannot be found", not "down"', () => {
  beforeAll(() => setConfigForTesting(loadConfig({ env: { DATA_DIR: 'data', DB_HOST: 'db', REDIS_HOST: 'redis' } })));
  afterAll(() => setConfigForTesting(undefined));

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('Postgres, %s', (code) => {
    const error = postgresUnavailable(Object.assign(new Error(`getaddrinfo ${code} db`), { code }));
    expect(error.code).toBe('postgres_unreachable');
    expect(inEnglish(error.title)).toBe("Mastodon's Postgres cannot be found");
    expect(inEnglish(error.detail)).toBe(`db:5432/mastodon_production: the host name does not resolve here (${code}).`);
    expect(inEnglish(error.fix ?? '')).toMatch(/internal_network/);
    expect(renderText(translatorFor('de'), error.title)).toBe('Mastodons Postgres ist nicht auffindbar');
  });

  it('Postgres refusing the connection is still "down"', () => {
    const error = postgresUnavailable(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(inEnglish(error.title)).toBe("Mastodon's Postgres is down");
  });

  it('Redis, ENOTFOUND', () => {
    const error = redisUnavailable(new Error('getaddrinfo ENOTFOUND redis'));
    expect(error.code).toBe('redis_unreachable');
    expect(inEnglish(error.title)).toBe("Mastodon's Redis cannot be found");
    expect(inEnglish(error.fix ?? '')).toMatch(/internal_network/);
    expect(inEnglish(redisUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:6379')).title)).toBe(
      "Mastodon's Redis is down",
    );
    expect(renderText(translatorFor('de'), error.title)).toBe('Mastodons Redis ist nicht auffindbar');
  });
});
