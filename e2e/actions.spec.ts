import { expect, test } from '@playwright/test';

import { docker, testbed, waitForHealth } from './support/docker';

test('a restart shows its progress from Docker through to healthy, and the job survives a reload', async ({ page }) => {
  const name = `${testbed.project}-web-1`;
  await page.goto('/');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connection', 'live');
  const before = await docker('inspect', '--format', '{{.State.StartedAt}}', name);
  const card = page.getByTestId(`container-${name}`);
  await card.getByTestId('restart').click();
  const job = card.getByTestId('job');
  await expect(job).toContainText(`${name}: stopping`);
  await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(job).toContainText(`${name}: healthy`);
  await page.screenshot({ path: 'e2e/artifacts/restart-progress.png', fullPage: true });
  expect(await docker('inspect', '--format', '{{.State.StartedAt}}', name)).not.toBe(before);

  await page.reload();
  await expect(page.getByTestId(`container-${name}`).getByTestId('job')).toContainText(`${name}: healthy`);
  await waitForHealth(name, 'healthy');
});

test('restarting db warns first that Mastodon will fail for a moment; declining changes nothing', async ({ page }) => {
  const name = `${testbed.project}-db-1`;
  await page.goto('/');
  // The confirm() box comes with the page's scripts; until they run, a required checkbox asks instead.
  await expect(page.getByTestId(`container-${name}`).getByTestId('restart-understood')).toHaveCount(0);
  const before = await docker('inspect', '--format', '{{.State.StartedAt}}', name);
  let warning = '';
  page.once('dialog', (dialog) => {
    warning = dialog.message();
    void dialog.dismiss();
  });
  await page.getByTestId(`container-${name}`).getByTestId('restart').click();
  await expect.poll(() => warning).toContain('makes Mastodon fail for a moment');
  await page.waitForTimeout(500);
  expect(await docker('inspect', '--format', '{{.State.StartedAt}}', name)).toBe(before);
});
