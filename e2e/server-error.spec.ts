import { expect, test } from '@playwright/test';

import { openServerStore } from '../test/support/next-build';
import { startServer, type RunningServer } from '../test/support/server';
import { signIn } from './support/session';

/**
 * A real failure while rendering: a second server whose session store loses its sessions table under it
 * (a broken DATA_DIR), so the root layout's session read throws. The page says so with the digest only;
 * the database's message (which names the table) stays in the server's log.
 */
test.describe.configure({ timeout: 120_000 });

test('a failing render shows the digest and a retry, not the error', async ({ browser }) => {
  let server: RunningServer | undefined;
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    server = await startServer({ DASHBOARD_PASSWORD: 'server-error-e2e-password' });
    await signIn(context, server.dataDir);
    const store = openServerStore(server.dataDir);
    try {
      store.exec('DROP TABLE sessions');
    } finally {
      store.close();
    }
    const page = await context.newPage();
    const response = await page.goto(`${server.origin}/audit`);
    expect(response?.status()).toBe(500);
    await expect(page.getByTestId('global-error')).toBeVisible();
    await expect(page.getByTestId('error-digest')).not.toBeEmpty();
    await expect(page.getByTestId('error-retry')).toBeVisible();
    expect(await page.content()).not.toContain('no such table');
    expect(server.output()).toContain('no such table');
  } finally {
    await context.close();
    await server?.stop();
  }
});
