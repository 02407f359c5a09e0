import { expect, test as setup } from '@playwright/test';

import { ADMIN_STATE, E2E_PASSWORD } from '../playwright.config';

setup('log in as the admin through the login form', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('containers-panel')).toBeVisible();
  await page.context().storageState({ path: ADMIN_STATE });
});
