import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { readRegistrationSettings } from '@/lib/mastodon/registrations';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { text } from '@/lib/i18n/text';
import { readTestbed } from '../../support/testbed';

/**
 * The cache Redis failing with a message that carries a TLS URL and its password. The real Redis of the test
 * bed cannot be made to say that, so only the cache client is replaced; Postgres and Docker stay real.
 */
const leak = vi.hoisted(() => ({ secret: 'cache-pw-7731' }));

vi.mock('@/lib/redis/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/redis/client')>();
  return {
    ...actual,
    connectedRedis: async () => {
      throw new Error(`connect to rediss://default:${leak.secret}@cache.example:6380/1 failed`);
    },
  };
});

const testbed = readTestbed();

describe('the registrations page when the cache Redis fails', () => {
  beforeAll(async () => {
    await resetPostgresForTesting();
    setConfigForTesting(
      loadConfig({
        env: {
          DOCKER_HOST: testbed.dockerHost,
          COMPOSE_PROJECT: testbed.project,
          MASTODON_DIR: path.join(path.dirname(testbed.mastodonDir), testbed.project),
        },
      }),
    );
  });

  afterAll(async () => {
    await resetPostgresForTesting();
    setConfigForTesting(undefined);
  });

  it('names the cache Redis as down, and keeps the password in its URL out', async () => {
    const report = await readRegistrationSettings();
    expect(report.settings?.mode).toMatchObject({ source: 'stored' });
    expect(JSON.stringify(report)).not.toContain(leak.secret);
    expect(report.cache).toMatchObject({
      ok: false,
      error: {
        code: 'redis_unreachable',
        title: text('vitals.errors.redis.down.title', { name: text('vitals.errors.redis.name.cache') }),
      },
    });
  });
});
