import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed, testbedBackendsEnv, testbedService } from '../../support/testbed';
import { inEnglish } from '@/lib/i18n/english';

/**
 * Hang drills (issue 8): a backend that accepts and never answers makes its panel time out with a message;
 * no request of the dashboard waits longer than that panel's timeout, and once the backend answers again
 * the next requests succeed (no connection pool is left exhausted). Default timeouts throughout.
 */

const testbed = readTestbed();
/** Slack for the HTTP round trip and the server's own work beside a panel's timeout. */
const SLACK_MS = 1_500;

type PanelAnswer = { ok: boolean; error?: { code: string; title: string; detail: string }; data?: unknown };

interface Timed<T> {
  ms: number;
  status: number;
  body: T;
}

describe('hang drills against the production build', () => {
  let server: RunningServer;
  let cookie: string;

  async function panel<T = PanelAnswer>(name: string): Promise<Timed<T>> {
    const started = Date.now();
    const response = await rawRequest(server.port, {
      path: `/api/panels/${name}`,
      headers: { cookie },
      timeoutMs: 60_000,
    });
    return { ms: Date.now() - started, status: response.status, body: JSON.parse(response.body) as T };
  }

  /** Asks the panel again every 250 ms until `done`, for at most 10 s; the last answer either way. */
  async function panelUntil<T = PanelAnswer>(name: string, done: (answer: Timed<T>) => boolean): Promise<Timed<T>> {
    const deadline = Date.now() + 10_000;
    let answer = await panel<T>(name);
    while (!done(answer) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await panel<T>(name);
    }
    return answer;
  }

  async function homePage(): Promise<{ ms: number; status: number; body: string }> {
    const started = Date.now();
    const response = await rawRequest(server.port, { path: '/', headers: { cookie }, timeoutMs: 60_000 });
    return { ms: Date.now() - started, status: response.status, body: response.body };
  }

  beforeAll(async () => {
    server = await startServer({
      ...testbedBackendsEnv(testbed),
      DASHBOARD_PASSWORD: 'hang-drill-password-long',
    });
    ({ cookie } = plantSession(server.dataDir));
    // Warm up: every panel answers before the drills.
    for (const name of ['people', 'sidekiq', 'headline', 'storage']) expect((await panel(name)).body.ok).toBe(true);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('a Postgres query blocked by a lock: the people panel times out, says so; the pool is free after', async () => {
    const locker = new pg.Client({ connectionString: testbed.pgUrl43 });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users, accounts IN ACCESS EXCLUSIVE MODE');
      // More requests at once than the pool (4) has connections.
      const answers = await Promise.all(Array.from({ length: 6 }, () => panel('people')));
      const home = await homePage();
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.ok).toBe(false);
        expect(answer.body.error?.code).toBe('postgres_unreachable');
        expect(inEnglish(answer.body.error?.title ?? '')).toMatch(/not answering/);
        // The people panel's own timeout is 10 s; the statement timeout (5 s) ends each query first.
        expect(answer.ms).toBeLessThanOrEqual(10_000 + SLACK_MS);
      }
      expect(home.status).toBe(200);
      expect(home.ms).toBeLessThanOrEqual(12_000 + SLACK_MS);
      console.log(
        `[hang] postgres lock: people panel answered in` +
          ` ${answers.map((a) => a.ms).join(', ')} ms; home page in ${home.ms} ms`,
      );
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The pool is not left exhausted: twice its size, at once, all answer quickly.
    const after = await Promise.all(Array.from({ length: 8 }, () => panel('people')));
    for (const answer of after) {
      expect(answer.body.ok).toBe(true);
      expect(answer.ms).toBeLessThan(3_000);
    }
    const waiting = new pg.Client({ connectionString: testbed.pgUrl43 });
    await waiting.connect();
    try {
      const { rows } = await waiting.query<{ count: string }>(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mastodash' AND wait_event_type = 'Lock'",
      );
      expect(rows[0]?.count).toBe('0');
    } finally {
      await waiting.end();
    }
  });

  it('a Redis that never answers: Sidekiq and storage say it is not answering, and recover after', async () => {
    await testbedService('freeze', 'redis');
    let sidekiq: Timed<{ ok: boolean; error?: { code: string; title: string; detail: string }; data?: unknown }>;
    let home: { ms: number; status: number };
    try {
      [sidekiq, home] = await Promise.all([panel('sidekiq'), homePage()]);
    } finally {
      await testbedService('thaw', 'redis');
    }
    expect(sidekiq.body.ok).toBe(false);
    expect(sidekiq.body.error?.code).toBe('redis_unreachable');
    expect(inEnglish(sidekiq.body.error?.title ?? '')).toMatch(/not answering/);
    // Redis's command timeout (5 s) ends the wait, well inside the panel's own timeout (20 s).
    expect(sidekiq.ms).toBeLessThanOrEqual(5_000 + SLACK_MS);
    expect(home.status).toBe(200);
    expect(home.ms).toBeLessThanOrEqual(20_000 + SLACK_MS);
    console.log(`[hang] redis frozen: sidekiq panel answered in ${sidekiq.ms} ms; home page in ${home.ms} ms`);

    const recovered = await panelUntil('sidekiq', (answer) => answer.body.ok);
    expect(recovered.body.ok).toBe(true);
    const storage = await panel<{ ok: boolean; data: { redis: Array<{ memory: { ok: boolean } }> } }>('storage');
    expect(storage.body.ok).toBe(true);
    expect(storage.body.data.redis.length).toBeGreaterThan(0);
    expect(storage.body.data.redis.every((server) => server.memory.ok)).toBe(true);
  });

  it(
    'an InfluxDB that never replies: the headline says so within its timeout and shows live' +
      ' numbers, then InfluxDB again',
    async () => {
      await testbedService('freeze', 'influxdb');
      type HeadlineAnswer = {
        ok: boolean;
        data?: { source: { kind: string }; influxError?: { code: string; title: string } };
      };
      let headline: Timed<HeadlineAnswer>;
      let home: { ms: number; status: number };
      try {
        [headline, home] = await Promise.all([panel<HeadlineAnswer>('headline'), homePage()]);
      } finally {
        await testbedService('thaw', 'influxdb');
      }
      expect(headline.body.ok).toBe(true);
      expect(headline.body.data?.source.kind).toBe('live');
      expect(headline.body.data?.influxError?.code).toBe('influx_unreachable');
      expect(inEnglish(headline.body.data?.influxError?.title ?? '')).toMatch(/not answering/);
      // INFLUX_TIMEOUT_MS (5 s) per query.
      expect(headline.ms).toBeLessThanOrEqual(5_000 + SLACK_MS);
      expect(home.status).toBe(200);
      expect(home.ms).toBeLessThanOrEqual(11_000 + SLACK_MS);
      console.log(`[hang] influxdb frozen: headline answered in ${headline.ms} ms; home page in ${home.ms} ms`);

      const recovered = await panelUntil<HeadlineAnswer>(
        'headline',
        (answer) => answer.body.data?.source.kind === 'influx',
      );
      expect(recovered.body.data?.source.kind).toBe('influx');
    },
  );
});
