import { expect, test } from '@playwright/test';

import { testbed } from './support/docker';
import { openHome, renewSidekiqHeartbeat } from './support/vitals';

/**
 * Every page that shows the Mastodon version names the same version and the same source (one reader,
 * lib/mastodon/running-version.ts): on mdtest, the stand-in web's instance API.
 */
test('health, Sidekiq, configuration and registrations show one version with one source', async ({ page }) => {
  const source = `the instance API at http://127.0.0.1:${testbed.webPort}`;
  await renewSidekiqHeartbeat();
  await openHome(page);
  for (const testId of ['health-version-value', 'sidekiq-version']) {
    await expect(page.getByTestId(testId)).toHaveAttribute('data-version', '4.3.17');
    await expect(page.getByTestId(testId)).toHaveAttribute('data-source', source);
    await expect(page.getByTestId(testId)).toContainText(`4.3.17 from ${source}`);
  }
  await expect(page.getByTestId('doctor-source')).toHaveAttribute('data-version', '4.3.17');
  await expect(page.getByTestId('doctor-source')).toHaveAttribute('data-version-source', source);
  await expect(page.getByTestId('doctor-source')).toContainText(`Mastodon 4.3.17 (from ${source})`);

  await page.goto('/registrations');
  await expect(page.getByTestId('registrations-version')).toHaveAttribute('data-version', '4.3.17');
  await expect(page.getByTestId('registrations-version')).toHaveAttribute('data-source', source);
});
