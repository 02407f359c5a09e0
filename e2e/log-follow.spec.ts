import { expect, test } from '@playwright/test';

import { docker, testbed } from './support/docker';

// Pausing and resuming start the follow state over while rendering (components/logs/log-view.tsx): the badge
// says Paused at once, lines written meanwhile are not shown, and resuming follows again and catches up.
test('pausing the log follow shows Paused and holds new lines; resuming follows again', async ({ page }) => {
  const web = `${testbed.project}-web-1`;
  await page.goto(`/logs?container=${web}`);
  const state = page.getByTestId('log-follow-state');
  await expect(state).toHaveAttribute('data-state', 'following', { timeout: 15_000 });

  await page.getByTestId('log-follow').click();
  await expect(page.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'false');
  await expect(state).toHaveAttribute('data-state', 'paused');
  const marker = `mastodash-e2e-paused-${Date.now()}`;
  await docker('exec', web, 'sh', '-c', `echo ${marker} > /proc/1/fd/1`);
  // Long enough for a followed line to arrive (the follow test sees one within 5 s).
  await page.waitForTimeout(2_000);
  await expect(page.getByTestId('log-line').filter({ hasText: marker })).toHaveCount(0);
  await expect(state).toHaveAttribute('data-state', 'paused');

  await page.getByTestId('log-follow').click();
  await expect(page.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'true');
  await expect(state).toHaveAttribute('data-state', 'following', { timeout: 15_000 });
  await expect(page.getByTestId('log-line').filter({ hasText: marker })).toBeVisible({ timeout: 5_000 });
});
