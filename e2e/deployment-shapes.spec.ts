import path from 'node:path';

import { expect, test } from '@playwright/test';

import { startServer, type RunningServer } from '../test/support/server';
import { readTestbedShapes } from '../test/support/testbed';
import { testbed } from './support/docker';
import { signIn } from './support/session';

/**
 * The home page of a second server that watches mdhostenv (web on 127.0.0.1:3300, streaming on :4300, host
 * network) and is started as a new user would: no MASTODON_WEB_URL or MASTODON_STREAMING_URL. The e2e server
 * keeps watching mdtest.
 */
const shapes = readTestbedShapes();
let server: RunningServer;

test.beforeAll(async () => {
  server = await startServer({
    DASHBOARD_PASSWORD: 'shapes-e2e-password-long',
    COMPOSE_PROJECT: shapes.hostEnvProject,
    MASTODON_DIR: path.join(path.dirname(testbed.mastodonDir), shapes.hostEnvProject),
    DATABASE_URL: testbed.pgUrl43,
  });
});

test.afterAll(async () => {
  await server?.stop();
});

test('with its own PORT and BIND, the Mastodon panel shows web and streaming answering, and where they are', async ({
  browser,
}) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await signIn(context, server.dataDir);
  const page = await context.newPage();
  await page.goto(`${server.origin}/`);
  const web = page.getByTestId('health-web');
  await expect(web).toHaveAttribute('data-ok', 'true');
  await expect(web).toHaveAttribute('data-source', 'host-network');
  await expect(page.getByTestId('health-web-address')).toHaveText(
    `at http://127.0.0.1:3300: ${shapes.hostEnvProject}-web-1 uses the host network: BIND=127.0.0.1, PORT=3300 in its environment`,
  );
  await expect(page.getByTestId('health-streaming')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('health-streaming-address')).toContainText('http://127.0.0.1:4300');
  await expect(page.getByTestId('health-panel')).not.toContainText('Not answering');
  await page.screenshot({ path: 'e2e/artifacts/home-health-host-env.png', fullPage: true });
  await context.close();
});
