import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditRows, callAction, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
const TARGET = `${testbed.project}-redis-1`;
let server: RunningServer;

async function startedAt(container: string): Promise<string> {
  const { stdout } = await run('docker', ['inspect', '--format', '{{.State.StartedAt}}', container], {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
  });
  return stdout.trim();
}

beforeAll(async () => {
  server = await startServer({ DASHBOARD_PASSWORD: 'guards-password-long-enough' });
});

afterAll(async () => {
  await server.stop();
});

describe('Host allow-list (DNS rebinding)', () => {
  const staticFile = `/_next/static/chunks/${readdirSync('.next/static/chunks').find((f) => f.endsWith('.js'))}`;
  it.each(['/', '/login', '/audit', '/audit/export', '/api/live', staticFile])(
    'Host: evil.example gets 403 on %s',
    async (path) => {
      const { cookie } = plantSession(server.dataDir);
      const response = await rawRequest(server.port, {
        path,
        headers: { host: `evil.example:${server.port}`, cookie },
      });
      expect(response.status).toBe(403);
      expect(response.body).not.toMatch(/mdtest|<html/);
    },
  );

  it('a navigation with a foreign Host gets a page that says why, and no data even with a session cookie', async () => {
    const { cookie } = plantSession(server.dataDir);
    const navigation = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', cookie };
    for (const path of ['/', '/audit/export', '/login?token=not-for-the-page']) {
      const response = await rawRequest(server.port, {
        path,
        headers: { host: `evil.example:${server.port}`, ...navigation },
      });
      expect(response.status, path).toBe(403);
      expect(response.headers['content-type'], path).toMatch(/^text\/html/);
      expect(response.body).toContain('<h1>Request refused</h1>');
      expect(response.body).toContain('Host &#34;evil.example:');
      expect(response.body).toContain(`href="http://localhost:${server.port}/"`);
      expect(response.body, path).not.toMatch(/mdtest|not-for-the-page|guards-password|audit_log/);
    }
  });

  it('the same requests with Host 127.0.0.1, localhost or [::1] are served', async () => {
    const { cookie } = plantSession(server.dataDir);
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      const response = await rawRequest(server.port, { path: '/', headers: { host, cookie } });
      expect(response.status, host).toBe(200);
      expect(response.body).toContain(`${testbed.project}-web-1`);
    }
  });

  it('the event stream answers only its own host, and only with a session', async () => {
    const { cookie } = plantSession(server.dataDir);
    const ok = await rawRequest(server.port, { path: '/api/live', headers: { cookie } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/event-stream/);
    expect(
      (await rawRequest(server.port, { path: '/api/live', headers: { cookie, host: 'evil.example' } })).status,
    ).toBe(403);
    expect((await rawRequest(server.port, { path: '/api/live' })).status).toBe(401);
  });
});

describe('Origin checks on mutations', () => {
  const refusedCases: [string, Record<string, string>][] = [
    [
      'a cross-origin POST from another localhost port',
      { origin: 'http://127.0.0.1:5173', 'sec-fetch-site': 'same-site' },
    ],
    ['a cross-site POST', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['Origin: null', { origin: 'null' }],
    ['a POST with no Origin', { origin: '' }],
  ];

  it.each(refusedCases)('%s gets 403 and changes nothing', async (_name, headers) => {
    const { cookie } = plantSession(server.dataDir);
    const before = await startedAt(TARGET);
    const auditBefore = auditRows(server.dataDir).length;
    const response = await callAction(server.port, 'restartContainerAction', [{ container: TARGET }], {
      cookie,
      ...headers,
    });
    expect(response.status).toBe(403);
    expect(await startedAt(TARGET)).toBe(before);
    expect(auditRows(server.dataDir).length).toBe(auditBefore);
  });

  it('the same request from our own origin, with a session, does restart (the control)', async () => {
    const { cookie } = plantSession(server.dataDir);
    const before = await startedAt(TARGET);
    const response = await callAction(server.port, 'restartContainerAction', [{ container: TARGET }], { cookie });
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/"ok":true,"data":\{"jobId":"[A-Za-z0-9_-]+"\}/);
    await expect.poll(() => auditRows(server.dataDir).at(-1)?.outcome, { timeout: 60_000 }).toBe('succeeded');
    expect(auditRows(server.dataDir).at(-1)).toMatchObject({ action: 'container.restarted', target: TARGET });
    expect(await startedAt(TARGET)).not.toBe(before);
  });
});

describe('security headers', () => {
  it('pages carry a nonce CSP without unsafe-eval, and anti-framing headers', async () => {
    const { cookie } = plantSession(server.dataDir);
    const response = await rawRequest(server.port, { path: '/', headers: { cookie } });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('same-origin');
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(response.body).toContain(`nonce="${nonce}"`);
  });

  it('the page HTML carries no secret from .env.production and no raw inspect data', async () => {
    const { cookie } = plantSession(server.dataDir);
    const response = await rawRequest(server.port, { path: '/', headers: { cookie } });
    // Key names may appear (the config doctor names missing keys); their values, or an env dump, never.
    const env = readFileSync(path.join(testbed.mastodonDir, '.env.production'), 'utf8');
    const secrets = [
      ...env.matchAll(/^(SECRET_KEY_BASE|OTP_SECRET|ACTIVE_RECORD_ENCRYPTION_\w+|DB_PASS|REDIS_PASSWORD)=(.+)$/gm),
    ].map((m) => m[2]!.trim());
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const secret of secrets) expect(response.body).not.toContain(secret);
    expect(response.body).not.toMatch(/testbed-db-pass|testbed-redis-pass|SECRET_KEY_BASE=|OTP_SECRET=|"Env"|"Mounts"/);
  });
});
