import { expect, test } from '@playwright/test';

/**
 * An unknown path answers 404 with the dashboard's own not-found page (app/not-found.tsx), logged in or
 * not; logged out it shows no navigation and nothing of the instance, as before.
 */
const UNKNOWN = '/no-such-page-s23e';

test('logged in: an unknown path is a 404 with a link home', async ({ page }) => {
  const response = await page.goto(UNKNOWN);
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.getByTestId('not-found-home').click();
  await expect(page).toHaveURL(/\/$/);
});

test('logged out: an unknown path is a 404 too, without the navigation', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const page = await context.newPage();
    const response = await page.goto(UNKNOWN);
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
