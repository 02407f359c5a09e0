import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { expect, type Page } from '@playwright/test';

import { testbed } from './docker';

const run = promisify(execFile);

/** Sidekiq's heartbeat expires after 60 s, as Sidekiq's own does; the seeder renews the stand-in's. */
export async function renewSidekiqHeartbeat(): Promise<void> {
  await run(process.execPath, ['scripts/testbed/seed/redis.mjs', '--heartbeat'], {
    env: { ...process.env, REDIS_URL: testbed.redisUrl },
  });
}

/** The test bed's Redis keeps nothing across a restart (no persistence), so its keys are seeded again. */
export async function reseedRedis(): Promise<void> {
  await run(process.execPath, ['scripts/testbed/seed/redis.mjs'], {
    env: { ...process.env, REDIS_URL: testbed.redisUrl },
  });
}

export async function openHome(page: Page): Promise<void> {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
}

/** The panels whose backend is not the one stopped must still show their data. */
export async function expectIntact(
  page: Page,
  panels: Array<'health' | 'people' | 'sidekiq' | 'storage' | 'containers'>,
): Promise<void> {
  for (const panel of panels) {
    if (panel === 'health') await expect(page.getByTestId('health-web')).toHaveAttribute('data-ok', 'true');
    if (panel === 'people') await expect(page.getByTestId('people-users')).toBeVisible();
    if (panel === 'sidekiq') await expect(page.getByTestId('sidekiq-queue-default')).toBeVisible();
    if (panel === 'storage') await expect(page.getByTestId('storage-database')).toHaveAttribute('data-bytes', /^\d+$/);
    if (panel === 'containers') await expect(page.getByTestId('containers-summary')).toContainText('5 running');
  }
}
