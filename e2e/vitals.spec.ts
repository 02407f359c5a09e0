import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { expect, test, type Page } from '@playwright/test';

import { docker, testbed, testbedService } from './support/docker';

const run = promisify(execFile);

/** Sidekiq's heartbeat expires after 60 s, as Sidekiq's own does; the seeder renews the stand-in's. */
async function renewSidekiqHeartbeat(): Promise<void> {
  await run(process.execPath, ['scripts/testbed/seed/redis.mjs', '--heartbeat'], { env: { ...process.env, REDIS_URL: testbed.redisUrl } });
}

/** The test bed's Redis keeps nothing across a restart (no persistence), so its keys are seeded again. */
async function reseedRedis(): Promise<void> {
  await run(process.execPath, ['scripts/testbed/seed/redis.mjs'], { env: { ...process.env, REDIS_URL: testbed.redisUrl } });
}

async function openHome(page: Page): Promise<void> {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
}

/** The panels whose backend is not the one stopped must still show their data. */
async function expectIntact(page: Page, panels: Array<'health' | 'people' | 'sidekiq' | 'storage' | 'containers'>): Promise<void> {
  for (const panel of panels) {
    if (panel === 'health') await expect(page.getByTestId('health-web')).toHaveAttribute('data-ok', 'true');
    if (panel === 'people') await expect(page.getByTestId('people-users')).toBeVisible();
    if (panel === 'sidekiq') await expect(page.getByTestId('sidekiq-queue-default')).toBeVisible();
    if (panel === 'storage') await expect(page.getByTestId('storage-database')).toHaveAttribute('data-bytes', /^\d+$/);
    if (panel === 'containers') await expect(page.getByTestId('containers-summary')).toContainText('5 running');
  }
}

test('the home page shows every vital sign: health, people, Sidekiq, storage, containers, configuration', async ({ page }) => {
  await renewSidekiqHeartbeat();
  await openHome(page);
  await expect(page.getByTestId('health-web')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('health-streaming')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('health-version')).toContainText('4.3.17');
  await expect(page.getByTestId('health-migrations')).toContainText('1 pending');
  await expectIntact(page, ['people', 'sidekiq', 'storage', 'containers']);
  await expect(page.getByTestId('people-registrations-mode')).toBeVisible();
  await expect(page.getByTestId('sidekiq-process')).not.toHaveCount(0);
  await expect(page.getByTestId('doctor-summary')).toContainText('checks passed');
  await expect(page.getByTestId('headline-ram')).toBeVisible();
  // No value of .env.production reaches the page: the test bed's database password is one of them.
  expect(await page.content()).not.toContain('testbed-db-pass');
  await page.screenshot({ path: 'e2e/artifacts/home-vitals-light.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'e2e/artifacts/home-vitals-dark.png', fullPage: true });
});

test('the log view highlights the Errno::EACCES line with the permission fix, and follows new lines live', async ({ page }) => {
  const web = `${testbed.project}-web-1`;
  await page.goto(`/logs?container=${web}`);
  const eacces = page.locator('[data-testid="log-line"][data-recognised="media-eacces"]').first();
  await expect(eacces).toBeVisible({ timeout: 15_000 });
  await expect(eacces).toContainText('Errno::EACCES');
  await expect(eacces.getByTestId('log-fix')).toHaveAttribute('href', '/media');
  await expect(page.getByTestId('log-follow-state')).toHaveAttribute('data-state', 'following');
  const marker = `mastodash-e2e-${Date.now()}`;
  await docker('exec', web, 'sh', '-c', `echo ${marker} > /proc/1/fd/1`);
  await expect(page.getByTestId('log-line').filter({ hasText: marker })).toBeVisible({ timeout: 5_000 });
  await page.getByTestId('log-filter').fill(marker);
  await expect(page.getByTestId('log-line')).toHaveCount(1);
  await page.screenshot({ path: 'e2e/artifacts/logs-follow.png' });
});

test.describe('one backend down blanks only its panel, which recovers without a reload', () => {
  test.describe.configure({ timeout: 180_000 });

  test('PostgreSQL', async ({ page }) => {
    await renewSidekiqHeartbeat();
    await testbedService('stop', 'postgres');
    try {
      await openHome(page);
      await expect(page.getByTestId('people-error')).toHaveAttribute('data-code', 'postgres_unreachable');
      await expect(page.getByTestId('storage-database-error')).toContainText("Postgres is down");
      await expect(page.getByTestId('health-migrations')).toContainText("Postgres is down");
      await expectIntact(page, ['health', 'sidekiq', 'containers']);
      await page.screenshot({ path: 'e2e/artifacts/fault-postgres.png', fullPage: true });
    } finally {
      await testbedService('start', 'postgres');
    }
    await expect(page.getByTestId('people-users')).toBeVisible({ timeout: 40_000 });
    await expect(page.getByTestId('people-error')).toHaveCount(0);
  });

  test('Redis', async ({ page }) => {
    await testbedService('stop', 'redis');
    try {
      await openHome(page);
      await expect(page.getByTestId('sidekiq-error')).toHaveAttribute('data-code', 'redis_unreachable');
      await expect(page.getByTestId('storage-redis-error').first()).toBeVisible();
      await expectIntact(page, ['health', 'people', 'containers']);
      await page.screenshot({ path: 'e2e/artifacts/fault-redis.png', fullPage: true });
    } finally {
      await testbedService('start', 'redis');
      await reseedRedis();
    }
    await expect(page.getByTestId('sidekiq-queue-default')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('sidekiq-error')).toHaveCount(0);
  });

  test('InfluxDB', async ({ page }) => {
    await testbedService('stop', 'influxdb');
    try {
      await openHome(page);
      await expect(page.getByTestId('headline-influx-error')).toHaveAttribute('data-code', 'influx_unreachable');
      await expectIntact(page, ['health', 'people', 'storage', 'containers']);
    } finally {
      await testbedService('start', 'influxdb');
    }
    await expect(page.getByTestId('headline-influx-error')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('metrics-source').first()).toHaveAttribute('data-kind', 'influx');
  });

  test('Docker', async ({ page }) => {
    await renewSidekiqHeartbeat();
    await testbedService('stop', 'dockerd');
    try {
      await openHome(page);
      await expect(page.getByTestId('health-migrations')).toContainText(/Docker/);
      await expectIntact(page, ['health', 'people', 'storage']);
      await expect(page.getByTestId('sidekiq-panel')).toBeVisible();
      const logs = await page.context().newPage();
      const response = await logs.goto(`/logs?container=${testbed.project}-web-1`);
      expect(response?.status()).toBe(200);
      await expect(logs.getByTestId('log-error')).toContainText(/Docker/);
      await logs.close();
    } finally {
      await testbedService('start', 'dockerd');
    }
    await expect(page.getByTestId('health-migrations')).toContainText('1 pending', { timeout: 40_000 });
  });
});
