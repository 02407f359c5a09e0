import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { HealthPanelData } from '@/lib/panels/health';
import type { PanelResult } from '@/lib/panels/panel';

import { plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed, readTestbedShapes } from '../../support/testbed';
import { inEnglish } from '@/lib/i18n/english';

/**
 * The production server pointed at a non-default deployment shape, as a new user starts it: COMPOSE_PROJECT and
 * MASTODON_DIR only, no MASTODON_WEB_URL or MASTODON_STREAMING_URL. The home page's Mastodon panel must show web
 * and streaming answering, at the address found from the containers; it used to say "Not answering".
 */
const testbed = readTestbed();
const shapes = readTestbedShapes();
const servers: RunningServer[] = [];

async function start(project: string): Promise<{ server: RunningServer; cookie: string }> {
  const server = await startServer({
    DASHBOARD_PASSWORD: 'shapes-password-long-enough',
    COMPOSE_PROJECT: project,
    MASTODON_DIR: path.join(path.dirname(testbed.mastodonDir), project),
    DATABASE_URL: testbed.pgUrl43,
  });
  servers.push(server);
  return { server, cookie: plantSession(server.dataDir).cookie };
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe('the home page against other deployment shapes, with the URL keys unset', () => {
  it.each([
    [
      'host-env',
      () => shapes.hostEnvProject,
      'http://127.0.0.1:3300',
      'uses the host network: BIND=127.0.0.1, PORT=3300',
    ],
    ['bridge', () => shapes.bridgeProject, 'http://172.29.10.', 'publishes no port: its address on the network'],
  ] as const)(
    '%s: web and streaming answer at the found address, and the page says how it was found',
    async (_shape, project, address, how) => {
      const { server, cookie } = await start(project());
      const panel = await rawRequest(server.port, { path: '/api/panels/health', headers: { cookie } });
      expect(panel.status).toBe(200);
      const result = JSON.parse(panel.body) as PanelResult<HealthPanelData>;
      if (!result.ok) throw new Error(`the health panel failed: ${inEnglish(result.error.detail)}`);
      expect(result.data.web).toMatchObject({ ok: true, address: { baseUrl: expect.stringContaining(address) } });
      expect(inEnglish(result.data.web.address.how)).toContain(how);
      expect(result.data.streaming.ok).toBe(true);

      const home = await rawRequest(server.port, { path: '/', headers: { cookie } });
      expect(home.status).toBe(200);
      expect(home.body).toContain(`${project()}-web-1 ${how}`);
      // The page's scripts carry the client's messages, "Not answering" among them: only the rendered HTML counts.
      expect(home.body.replace(/<script\b[\s\S]*?<\/script>/g, '')).not.toContain('Not answering');
    },
  );
});
