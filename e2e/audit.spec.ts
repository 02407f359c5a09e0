import { readFileSync } from 'node:fs';

import { expect, test } from '@playwright/test';

import { E2E_PASSWORD, E2E_PORT } from '../playwright.config';
import { testbed, waitForHealth } from './support/docker';

test('the audit log lists actions newest first, filters them, and exports CSV without secrets', async ({
  page,
  browser,
}) => {
  // Something to audit: a failed login in another browser, and a restart from this one.
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const login = await stranger.newPage();
  await login.goto(`http://127.0.0.1:${E2E_PORT}/login`);
  await login.getByLabel('Username').fill('auditor');
  await login.getByLabel('Password').fill('a-wrong-password');
  await login.getByRole('button', { name: 'Log in' }).click();
  await expect(login.getByTestId('login-error')).toBeVisible();
  await stranger.close();

  await page.goto('/');
  const streaming = page.getByTestId(`container-${testbed.project}-streaming-1`);
  await streaming.getByTestId('restart').click();
  await expect(streaming.getByTestId('job')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await waitForHealth(`${testbed.project}-streaming-1`, 'healthy');

  await page.goto('/audit');
  const rows = page.locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(page.locator('tbody').getByText('auth.login_failed').first()).toBeVisible();
  await expect(page.locator('tbody').getByText('container.restarted').first()).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/audit-log.png', fullPage: true });

  await page.getByLabel('Outcome').selectOption('failed');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/outcome=failed/);
  const outcomes = await page
    .locator('[data-outcome]')
    .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-outcome')));
  expect(outcomes.length).toBeGreaterThan(0);
  expect(new Set(outcomes)).toEqual(new Set(['failed']));

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.split('\r\n')[0]).toMatch(/^id,/);
  expect(csv).toContain('auth.login_failed');
  expect(csv).not.toContain(E2E_PASSWORD);
  expect(csv).not.toMatch(/New password: [0-9a-f]{32}/);
});

test('repeated failed logins show as one counted row: how many, from when to when', async ({ page, browser }) => {
  // A username of its own, so other tests' failures do not mix in; below the back-off (5 failures).
  const username = `counted-${Date.now().toString(36)}`;
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const login = await stranger.newPage();
  await login.goto(`http://127.0.0.1:${E2E_PORT}/login`);
  for (let attempt = 1; attempt <= 3; attempt++) {
    await login.getByLabel('Username').fill(username);
    await login.getByLabel('Password').fill(`wrong-${attempt}`);
    await login.getByRole('button', { name: 'Log in' }).click();
    await expect(login.getByTestId('login-error')).toBeVisible();
    await expect(login.getByRole('button', { name: 'Log in' })).toBeEnabled();
  }
  await stranger.close();

  await page.goto('/audit?action=auth.login_failed');
  const rows = page.getByTestId('audit-record').filter({ hasText: username });
  const outcomes = await rows.evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-outcome')));
  const counts = await rows.evaluateAll((cells) =>
    cells.map((cell) => Number(/× (\d+) between/.exec(cell.textContent ?? '')?.[1] ?? 1)),
  );
  expect(counts.reduce((sum, count) => sum + count, 0)).toBe(3);
  // Only when other tests pushed the global counter into its back-off may some attempts be refused rows.
  if (outcomes.includes('refused')) return;
  expect(outcomes).toEqual(['failed']);
  await expect(rows.getByTestId('audit-repeat')).toHaveText(
    /^× 3 between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d and \d\d:\d\d:\d\d UTC$/,
  );
  await page.screenshot({ path: 'e2e/artifacts/audit-counted-row.png', fullPage: true });
});
