import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditRows, callAction, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';

/**
 * The production server whose DATABASE_URL carries a startup option Postgres refuses, quoting its value: a
 * URL with a password. The registrations page, the people panel, the change action's answer and the audit
 * log name the fault, and none of them shows that password.
 */
const testbed = readTestbed();
const SECRET = 'echoed-pw-5150';
let server: RunningServer;

beforeAll(async () => {
  const url = new URL(testbed.pgUrl43);
  url.searchParams.set('options', `-c TimeZone=postgres://mastodon:${SECRET}@db.example:5432/mastodon`);
  server = await startServer({
    DASHBOARD_PASSWORD: 'registrations-secrets-long-enough',
    DATABASE_URL: url.toString(),
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('a Postgres error that echoes a URL with a password', () => {
  it('reaches neither the registrations page nor the people panel', async () => {
    const { cookie } = plantSession(server.dataDir);
    for (const path of ['/registrations', '/api/panels/people']) {
      const answer = await rawRequest(server.port, { path, headers: { cookie } });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('TimeZone');
      expect(answer.body).not.toContain(SECRET);
    }
  });

  it('reaches neither the change action answer nor the audit log', async () => {
    const { cookie } = plantSession(server.dataDir);
    const answer = await callAction(server.port, 'changeRegistrationsAction', [{ mode: 'open' }], { cookie });
    expect(answer.body).toContain('TimeZone');
    expect(answer.body).not.toContain(SECRET);
    const audited = auditRows(server.dataDir).filter((row) => row.action === 'registrations.changed');
    expect(audited.at(-1)).toMatchObject({ outcome: 'failed' });
    expect(audited.at(-1)?.error).toContain('TimeZone');
    expect(JSON.stringify(audited)).not.toContain(SECRET);
  });
});
