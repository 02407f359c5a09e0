import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { expect, test, type Page } from '@playwright/test';

import { openServerStore } from '../test/support/next-build';
import { startServer } from '../test/support/server';
import { E2E_DATA_DIR, E2E_REAUTH_MINUTES, E2E_PASSWORD, E2E_PORT } from '../playwright.config';
import { testbed, waitForHealth } from './support/docker';
import { signIn } from './support/session';

const run = promisify(execFile);
const anonymous = { cookies: [], origins: [] };

async function submitLogin(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** A login expected to fail: waits for the server's answer, so that no earlier message is read by mistake. */
async function attemptLogin(page: Page, username: string, password: string) {
  const answered = page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/login',
  );
  await submitLogin(page, username, password);
  await answered;
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
}

/** Failed attempts the server has counted for this username (its own store, not the page's words). */
function failuresOf(username: string): number {
  const db = openServerStore(E2E_DATA_DIR);
  try {
    const row = db.prepare('SELECT failures FROM login_counters WHERE scope = ?').get(`user:${username}`) as
      { failures: number } | undefined;
    return row?.failures ?? 0;
  } finally {
    db.close();
  }
}

test.describe('login', () => {
  test.use({ storageState: anonymous });

  test('a wrong password says so; the right one opens the dashboard', async ({ page }) => {
    await page.goto('/audit');
    await expect(page).toHaveURL(/\/login$/);
    await attemptLogin(page, 'admin', 'not-the-password');
    await expect(page.getByTestId('login-error')).toContainText('Wrong username or password');
    await expect(page.getByLabel('Username'), 'the username survives a failed attempt').toHaveValue('admin');
    await expect(page.getByLabel('Password')).toHaveValue('');
    await page.getByLabel('Password').fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('containers-panel')).toBeVisible();
    await page.screenshot({ path: 'e2e/artifacts/after-login.png' });
  });

  test('after repeated failures the page says when to try again; at the lock it names the CLI, which unlocks', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const username = 'intruder';
    await page.goto('/login');
    for (let failure = 1; failure <= 5; failure++) {
      await attemptLogin(page, username, `guess-${failure}`);
      await expect(page.getByTestId('login-error')).toBeVisible();
    }
    await attemptLogin(page, username, 'guess-6');
    await expect(page.getByTestId('login-error')).toContainText(/Too many failed attempts: try again in \d+ s/);
    await page.screenshot({ path: 'e2e/artifacts/login-backoff.png' });

    // Wait out each back-off until the tenth failure locks the username.
    for (let attempt = 7; failuresOf(username) < 10; attempt++) {
      await attemptLogin(page, username, `guess-${attempt}`);
      const message = (await page.getByTestId('login-error').textContent()) ?? '';
      const wait = /Login paused.*try again in (\d+) s/.exec(message)?.[1];
      if (wait) await page.waitForTimeout((Number(wait) + 0.3) * 1000);
      expect(attempt, 'the lock should come within a few attempts').toBeLessThan(30);
    }
    await attemptLogin(page, username, 'guess-11');
    await expect(page.getByTestId('login-error')).toContainText('Login locked');
    await expect(page.getByTestId('login-error')).toContainText('npm run unlock');
    await page.screenshot({ path: 'e2e/artifacts/login-locked.png' });

    const { stdout } = await run(process.execPath, ['dist/cli.mjs', 'unlock', username], {
      env: { ...process.env, DATA_DIR: E2E_DATA_DIR, DASHBOARD_PASSWORD: E2E_PASSWORD },
    });
    expect(stdout).toMatch(/Cleared user:intruder/);
    await attemptLogin(page, username, 'guess-12');
    await expect(page.getByTestId('login-error')).toContainText('Wrong username or password');
    await expect(page.getByTestId('login-error')).not.toContainText(/locked|try again in/);
  });

  test('logout ends the session on the server: the old cookie is refused afterwards', async ({ page, browser }) => {
    await page.goto('/login');
    await submitLogin(page, 'admin', E2E_PASSWORD);
    await expect(page.getByTestId('containers-panel')).toBeVisible();
    const [sessionCookie] = (await page.context().cookies()).filter((cookie) => cookie.name === 'mastodash_session');
    expect(sessionCookie?.httpOnly).toBe(true);
    expect(sessionCookie?.sameSite).toBe('Strict');
    await page.getByTestId('logout').click();
    await expect(page).toHaveURL(/\/login$/);

    const replay = await browser.newContext({ storageState: anonymous });
    await replay.addCookies([sessionCookie!]);
    const replayPage = await replay.newPage();
    await replayPage.goto(`http://127.0.0.1:${E2E_PORT}/`);
    await expect(replayPage).toHaveURL(/\/login$/);
    await replay.close();
  });

  test('without a password, the printed one-time login link works once', async ({ page }) => {
    const server = await startServer();
    try {
      const link = /(http:\/\/127\.0\.0\.1:\d+\/login\?token=[A-Za-z0-9_-]+)/.exec(server.output())?.[1];
      expect(link, server.output()).toBeDefined();
      await page.goto(link!);
      await page.getByRole('button', { name: 'Continue with this link' }).click();
      await expect(page.getByTestId('containers-panel')).toBeVisible();

      await page.context().clearCookies();
      await page.goto(link!);
      await page.getByRole('button', { name: 'Continue with this link' }).click();
      await expect(page.getByTestId('login-error')).toContainText('This login link does not work');
    } finally {
      await server.stop();
    }
  });
});

test('a restart without a recent login asks for the password, then continues the restart', async ({ browser }) => {
  const context = await browser.newContext({ storageState: anonymous });
  await signIn(context, E2E_DATA_DIR, { authenticatedAgoMs: (E2E_REAUTH_MINUTES + 1) * 60_000 });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${E2E_PORT}/`);
  const web = page.getByTestId(`container-${testbed.project}-web-1`);
  await web.getByTestId('restart').click();
  const dialog = page.getByTestId('reauth-dialog');
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/reauth-dialog.png' });
  await dialog.getByLabel('Password').fill(E2E_PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm and continue' }).click();
  await expect(web.getByTestId('job')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(web.getByTestId('job')).toContainText(`${testbed.project}-web-1: healthy`);
  await context.close();
  await waitForHealth(`${testbed.project}-web-1`, 'healthy');
});
