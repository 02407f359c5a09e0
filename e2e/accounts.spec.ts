import { expect, test } from '@playwright/test';
import pg from 'pg';

import { openServerStore } from '../test/support/next-build';
import { E2E_DATA_DIR } from '../playwright.config';
import { testbed } from './support/docker';

test('creating an Owner shows the password exactly once; a reload does not show it again', async ({ page }) => {
  const username = `e2eowner${Date.now() % 100000}`;
  await page.goto('/accounts');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('email').fill(`${username}@example.org`);
  await page.getByTestId('create-account').click();
  const password = page.getByTestId('generated-password');
  await expect(password).toHaveText(/^[0-9a-f]{32}$/, { timeout: 60_000 });
  const secret = (await password.textContent()) ?? '';
  await expect(page.getByText(/shown only once/i)).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/account-created.png', fullPage: true });

  await page.reload();
  await expect(page.getByTestId('generated-password')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByTestId('owners')).toContainText(username);

  // Nowhere else either: not in the audit log, not in the dashboard's own store.
  const db = openServerStore(E2E_DATA_DIR);
  try {
    const rows = db.prepare("SELECT params, error FROM audit_log WHERE action = 'account.created'").all();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(db.prepare('SELECT * FROM jobs').all())).not.toContain(secret);
  } finally {
    db.close();
  }
  const client = new pg.Client({ connectionString: testbed.pgUrl43 });
  await client.connect();
  try {
    const account = await client.query('SELECT id FROM accounts WHERE username = $1 AND domain IS NULL', [username]);
    const ids = account.rows.map((row: { id: string }) => row.id);
    await client.query('DELETE FROM users WHERE account_id = ANY($1::bigint[])', [ids]);
    await client.query('DELETE FROM account_stats WHERE account_id = ANY($1::bigint[])', [ids]);
    await client.query('DELETE FROM accounts WHERE id = ANY($1::bigint[])', [ids]);
  } finally {
    await client.end();
  }
});
