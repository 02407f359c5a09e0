import { expect, test } from '@playwright/test';

test('the media page names the Errno::EACCES problem with its evidence and offers the fix', async ({ page }) => {
  await page.goto('/media');
  const diagnosis = page.locator('.media-diagnosis').first();
  await expect(diagnosis).toHaveAttribute('data-status', 'broken');
  await expect(page.getByTestId('media-owner-found')).toContainText('0:0');
  await expect(page.getByTestId('media-owner-expected')).toContainText('991:991');
  await expect(page.getByTestId('media-writable')).toContainText('no');
  await expect(page.getByTestId('media-log')).toContainText('Errno::EACCES');
  await expect(page.getByTestId('media-fix')).toBeEnabled();
  await page.screenshot({ path: 'e2e/artifacts/media-diagnosis.png', fullPage: true });
});

test('the registrations page shows the stored mode, its source, and the choices', async ({ page }) => {
  await page.goto('/registrations');
  // The test bed's 4.3 database stores "approved" (a row, not the version default).
  await expect(page.getByTestId('registrations-mode')).toHaveAttribute('data-mode', 'approved');
  await expect(page.getByTestId('registrations-source')).toContainText(/stored/i);
  await expect(page.getByTestId('registrations-form')).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/registrations.png', fullPage: true });
});
