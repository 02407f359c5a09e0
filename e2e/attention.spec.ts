import { expect, test, type Locator, type Page } from '@playwright/test';

import { docker, testbed, waitForHealth } from './support/docker';

const project = testbed.project;
const VIEWPORT = { width: 1366, height: 768 };

test.use({ viewport: VIEWPORT });

async function openHome(page: Page): Promise<Locator> {
  await page.goto('/');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connection', 'live');
  const panel = page.getByTestId('attention-panel');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  return panel;
}

/** Entirely inside the first screen: nothing of it needs a scroll. */
async function expectAboveTheFold(locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(VIEWPORT.height);
}

test('at 1366×768 the list comes first and the memory headline is visible without scrolling', async ({ page }) => {
  const panel = await openHome(page);
  // The test bed's images carry one migration that schema_migrations does not list (scripts/testbed/README.md).
  const migration = panel.locator('[data-testid="attention-item"][data-key="migrations.pending"]');
  await expect(migration).toBeVisible();
  await expect(migration).toHaveAttribute('data-severity', 'warning');
  await expect(migration.getByTestId('attention-command')).toHaveText(
    'docker compose run --rm web bundle exec rails db:migrate',
  );
  await expect(panel.getByTestId('attention-counts')).toHaveText(/\d+ warnings?/);
  const ram = page.getByTestId('headline-ram');
  await expect(ram).toBeVisible();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expectAboveTheFold(panel);
  await expectAboveTheFold(ram);
  const panelBox = (await panel.boundingBox())!;
  const headlineBox = (await page.getByTestId('headline-panel').boundingBox())!;
  expect(panelBox.y).toBeLessThan(headlineBox.y);
  await page.screenshot({ path: 'e2e/artifacts/attention-1366x768.png' });
});

test('the root-owned media folder is critical, first, with the Fix ownership button', async ({ page }) => {
  // Root-owned is the test bed's own state of the folder (Docker creates a missing bind mount as root).
  await docker('exec', '-u', '0', `${project}-web-1`, 'chown', '0:0', '--', '/opt/mastodon/public/system');
  const panel = await openHome(page);
  const media = panel.locator('[data-testid="attention-item"][data-key="media.broken"]');
  await expect(media).toHaveAttribute('data-severity', 'critical');
  await expect(panel.getByTestId('attention-item').first()).toHaveAttribute('data-severity', 'critical');
  await expect(media.getByTestId('attention-evidence')).toContainText('Errno::EACCES');
  await expect(media.getByRole('button', { name: 'Fix ownership' })).toBeVisible();
  await media.getByText('Details').click();
  await expect(media).toContainText('belongs to 0:0 (root:root), but Mastodon runs as 991:991');

  // The Media page shows the same finding from the same detector function: the two pages cannot disagree.
  const title = await media.locator('strong').first().textContent();
  await page.goto('/media');
  const same = page.locator('[data-testid="media-findings"] [data-key="media.broken"]');
  await expect(same).toHaveAttribute('data-severity', 'critical');
  await expect(same.locator('strong').first()).toHaveText(title ?? '');
  await expect(page.getByTestId('media-fix')).toBeEnabled();
});

test('an unhealthy container appears in the list with its restart button and leaves it without a reload', async ({
  page,
}) => {
  const redis = `${project}-redis-1`;
  await waitForHealth(redis, 'healthy');
  const panel = await openHome(page);
  const item = panel.locator(`[data-testid="attention-item"][data-key="container.unhealthy:${redis}"]`);
  await expect(item).toHaveCount(0);
  let navigations = 0;
  page.on('framenavigated', () => (navigations += 1));

  await docker('exec', redis, 'touch', '/tmp/unhealthy');
  try {
    await expect(item).toBeVisible({ timeout: 30_000 });
    await expect(item).toHaveAttribute('data-severity', 'warning');
    await expect(item.getByTestId('attention-evidence')).toContainText('unhealthy: /tmp/unhealthy present');
    await expect(item.getByTestId('attention-fix')).toHaveAttribute('data-fix', 'restart');
    await expect(item.getByRole('button', { name: 'Restart' })).toBeVisible();
    await page.screenshot({ path: 'e2e/artifacts/attention-unhealthy.png' });
  } finally {
    await docker('exec', redis, 'rm', '-f', '/tmp/unhealthy');
  }
  await expect(item).toHaveCount(0, { timeout: 30_000 });
  expect(navigations).toBe(0);
});
