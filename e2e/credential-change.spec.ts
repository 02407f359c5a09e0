import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { expect, test } from '@playwright/test';

import { startServer } from '../test/support/server';

const run = promisify(execFile);
const NEW_PASSWORD = 'credential-change-e2e-password';

test.use({ storageState: { cookies: [], origins: [] } });

test('a login link printed before set-password no longer works; the new password logs in', async ({ page }) => {
  const server = await startServer();
  try {
    const link = /(http:\/\/127\.0\.0\.1:\d+\/login\?token=[A-Za-z0-9_-]+)/.exec(server.output())?.[1];
    expect(link, server.output()).toBeDefined();

    const cli = run(process.execPath, ['dist/cli.mjs', 'set-password'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', DATA_DIR: server.dataDir },
    });
    cli.child.stdin?.end(`${NEW_PASSWORD}\n`);
    expect((await cli).stdout).toContain('Password saved');

    await page.goto(link!);
    await page.getByRole('button', { name: 'Continue with this link' }).click();
    await expect(page.getByTestId('login-error')).toContainText('This login link does not work');

    await page.goto(`${server.origin}/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('containers-panel')).toBeVisible();
  } finally {
    // The page holds the live stream open; the server ends once its connections have closed.
    await page.close();
    await server.stop();
  }
});
