import { expect, test } from '@playwright/test';

import { docker, testbed } from './support/docker';
import { expectIntact, openHome, renewSidekiqHeartbeat } from './support/vitals';

test('the home page shows every vital sign: health, people, Sidekiq, storage, containers, configuration', async ({
  page,
}) => {
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

test('the log view highlights the Errno::EACCES line with the permission fix, and follows new lines live', async ({
  page,
}) => {
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
