import { expect, test } from '@playwright/test';

import {
  composeName,
  crashOnRestart,
  createComposeContainer,
  removeComposeContainers,
  STAY_UP,
  waitUntilUp,
} from '../test/support/crashing-containers';
import { plantSession } from '../test/support/next-build';
import { startServer, type RunningServer } from '../test/support/server';

// A dashboard of its own for a test-only project, so that the shared mdtest project never crash-loops.
const project = 'mdcrash-e2e';
const password = 'crash-e2e-password-long';
const streaming = composeName(project, 'streaming');
let server: RunningServer;

test.beforeAll(async () => {
  await createComposeContainer(project, 'web', STAY_UP);
  await createComposeContainer(project, 'streaming', crashOnRestart('oom'), { memoryBytes: 8 * 1024 * 1024 });
  await Promise.all([waitUntilUp(project, 'web'), waitUntilUp(project, 'streaming')]);
  server = await startServer({ DASHBOARD_PASSWORD: password, COMPOSE_PROJECT: project });
});

test.afterAll(async () => {
  await server?.stop();
  await removeComposeContainers(project, ['web', 'streaming']);
});

test('a restart whose container is OOM-killed at start says so within seconds, with its last log lines', async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL: server.origin, storageState: { cookies: [], origins: [] } });
  // A session planted in the store, as a login makes it (login itself is e2e/login.setup.ts's business).
  const [cookieName = '', cookieValue = ''] = plantSession(server.dataDir).cookie.split('=');
  await context.addCookies([{ name: cookieName, value: cookieValue, url: server.origin }]);
  const page = await context.newPage();
  await page.goto('/');
  const card = page.getByTestId(`container-${streaming}`);
  await expect(card).toHaveAttribute('data-health', 'healthy');
  const clicked = Date.now();
  await card.getByTestId('restart').click();
  const job = card.getByTestId('job');
  // RESTART_TIMEOUT_SECONDS is 90: the old code showed "Restarting…" all that time.
  await expect(job).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
  expect(Date.now() - clicked).toBeLessThan(15_000);
  await expect(job).toContainText(`${streaming} died after the restart`);
  await expect(job).toContainText('exit code 137');
  await expect(job).toContainText('OOMKilled: yes');
  await expect(job.getByTestId('job-log')).toContainText('streaming boot line 11');
  await expect(job.getByTestId('job-log')).toContainText('DB_PASS=[redacted]');
  await expect(job).not.toContainText('crash-test-secret-4711');
  await expect(card.getByTestId('restart')).toHaveText('Restart');
  await page.screenshot({ path: 'e2e/artifacts/restart-crash.png', fullPage: true });
  await context.close();
});
