import { expect, test, type Page } from '@playwright/test';

import { E2E_DATA_DIR, E2E_REAUTH_MINUTES, E2E_PASSWORD, E2E_PORT } from '../playwright.config';
import { docker, testbed, waitForHealth } from './support/docker';
import { signIn } from './support/session';

/**
 * Forms work as plain HTML form posts (JavaScript off, or a submit before the page's scripts have run), and a
 * cross-site form post is still refused, with a page that says why (docs/design.md, "Forms work as plain posts").
 */
const anonymous = { cookies: [], origins: [] };
const DASHBOARD = `http://127.0.0.1:${E2E_PORT}`;
// Streaming restarts in seconds and nothing else in the test bed waits on it.
const TARGET = `${testbed.project}-streaming-1`;

async function startedAt(container: string): Promise<string> {
  return docker('inspect', '--format', '{{.State.StartedAt}}', container);
}

async function logIn(page: Page) {
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false, storageState: anonymous });

  test('log in, restart a container, log out: each a plain form post', async ({ page }) => {
    test.setTimeout(120_000);
    const posts: { path: string; status: number; origin: string | null }[] = [];
    page.on('response', (response) => {
      if (response.request().method() !== 'POST') return;
      posts.push({
        path: new URL(response.url()).pathname,
        status: response.status(),
        origin: response.request().headers()['origin'] ?? null,
      });
    });

    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toContainText('Wrong username or password');
    await logIn(page);
    await expect(page).toHaveURL(`${DASHBOARD}/`);
    await expect(page.getByTestId('containers-panel')).toBeVisible();
    expect(posts[0], 'the login post carries our own Origin').toMatchObject({ path: '/login', origin: DASHBOARD });

    await expect(page.getByTestId('noscript-note')).toContainText('live updates');

    const card = page.getByTestId(`container-${TARGET}`);
    const before = await startedAt(TARGET);
    await card.getByTestId('restart').click();
    await expect(page.getByTestId('containers-panel')).toBeVisible();
    await expect(card.getByTestId('restart-refused')).toHaveCount(0);
    await expect
      .poll(() => startedAt(TARGET), { timeout: 60_000, message: 'Docker restarted the container' })
      .not.toBe(before);
    await waitForHealth(TARGET, 'healthy');
    // The job is the server's: a reload (no live stream without JavaScript) shows it finished.
    await expect
      .poll(
        async () => {
          await page.goto('/');
          return page.getByTestId(`container-${TARGET}`).getByTestId('job').getAttribute('data-status');
        },
        { timeout: 60_000 },
      )
      .toBe('succeeded');
    await page.screenshot({ path: 'e2e/artifacts/no-javascript-restart.png', fullPage: true });

    await page.getByTestId('logout').click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
    expect((await page.context().cookies()).filter((cookie) => cookie.name === 'mastodash_session')).toEqual([]);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    expect(posts.map((post) => post.status).filter((status) => status === 403)).toEqual([]);
  });

  test('creating an account and saving the registration mode work as plain form posts', async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: anonymous });
    await signIn(context, E2E_DATA_DIR);
    const page = await context.newPage();

    const username = `nojs${Date.now() % 100000}`;
    await page.goto(`${DASHBOARD}/accounts`);
    await page.getByTestId('username').fill(username);
    await page.getByTestId('email').fill(`${username}@example.org`);
    await page.getByTestId('create-account').click();
    await expect(page.getByTestId('generated-password')).toHaveText(/^[0-9a-f]{32}$/, { timeout: 60_000 });
    await expect(page.getByTestId('owners')).toContainText(username);

    // Saving the mode the page shows changes nothing in the shared test bed, and still goes the whole way.
    await page.goto(`${DASHBOARD}/registrations`);
    const shown = await page.getByTestId('registrations-mode').getAttribute('data-mode');
    await page.getByTestId('registrations-submit').click();
    await expect(page.getByTestId('registrations-done')).toContainText('Saved (audit record #');
    await expect(page.getByTestId('registrations-mode')).toHaveAttribute('data-mode', shown ?? '');
    await context.close();
  });

  test('a restart without a recent login asks for the password in the page, then restarts', async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: anonymous });
    await signIn(context, E2E_DATA_DIR, { authenticatedAgoMs: (E2E_REAUTH_MINUTES + 1) * 60_000 });
    const page = await context.newPage();
    await page.goto(`${DASHBOARD}/`);
    const card = page.getByTestId(`container-${TARGET}`);
    const before = await startedAt(TARGET);
    await card.getByTestId('restart').click();

    const dialog = page.getByTestId(`container-${TARGET}`).getByTestId('reauth-dialog');
    await expect(dialog).toBeVisible();
    expect(await startedAt(TARGET), 'nothing restarts before the password').toBe(before);
    await dialog.getByLabel('Password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Confirm and continue' }).click();
    await expect(page.getByTestId(`container-${TARGET}`).getByTestId('reauth-dialog')).toContainText('Wrong password');
    expect(await startedAt(TARGET)).toBe(before);

    await page
      .getByTestId(`container-${TARGET}`)
      .getByTestId('reauth-dialog')
      .getByLabel('Password')
      .fill(E2E_PASSWORD);
    await page
      .getByTestId(`container-${TARGET}`)
      .getByTestId('reauth-dialog')
      .getByRole('button', { name: 'Confirm and continue' })
      .click();
    await expect(page.getByTestId(`container-${TARGET}`).getByTestId('reauth-dialog')).toHaveCount(0);
    await expect.poll(() => startedAt(TARGET), { timeout: 60_000 }).not.toBe(before);
    await context.close();
    await waitForHealth(TARGET, 'healthy');
  });

  test('a restart that needs a confirmation asks for it with a checkbox', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: anonymous });
    await signIn(context, E2E_DATA_DIR);
    const page = await context.newPage();
    await page.goto(`${DASHBOARD}/`);
    const name = `${testbed.project}-db-1`;
    const before = await startedAt(name);
    const form = page.getByTestId(`container-${name}`).getByTestId('restart-form');
    const understood = form.getByRole('checkbox', { name: /makes Mastodon fail for a moment/ });
    await expect(understood).toBeVisible();
    // The browser refuses to send the form while the required box is unchecked; nothing restarts.
    await form.getByTestId('restart').click();
    await page.waitForTimeout(500);
    expect(await understood.evaluate((box: HTMLInputElement) => box.validity.valueMissing)).toBe(true);
    expect(await startedAt(name)).toBe(before);
    await context.close();
  });
});

test.describe('with the page scripts held back', () => {
  test.use({ storageState: anonymous });

  test('a login submitted before the scripts arrive lands logged in', async ({ page }) => {
    let scriptsServed = 0;
    await page.route('**/_next/static/**', async (route) => {
      if (route.request().resourceType() === 'script') {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        scriptsServed += 1;
      }
      await route.continue().catch(() => undefined);
    });
    // Next's deferred scripts hold back DOMContentLoaded too, so only the response is awaited.
    await page.goto('/login', { waitUntil: 'commit' });
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(E2E_PASSWORD);
    expect(scriptsServed, 'the login is sent before any script of the page ran').toBe(0);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(`${DASHBOARD}/`, { timeout: 15_000 });
    await expect(page.getByTestId('containers-panel')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText('Forbidden')).toHaveCount(0);
  });
});

test('a restart that needs a confirmation, clicked before the scripts arrive, is held by the checkbox', async ({
  page,
}) => {
  await page.route('**/_next/static/**', async (route) => {
    if (route.request().resourceType() === 'script') await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.continue().catch(() => undefined);
  });
  const name = `${testbed.project}-db-1`;
  await page.goto('/', { waitUntil: 'commit' });
  const form = page.getByTestId(`container-${name}`).getByTestId('restart-form');
  const before = await startedAt(name);
  await form.getByTestId('restart').click();
  expect(
    await form.getByTestId('restart-understood').evaluate((box: HTMLInputElement) => box.validity.valueMissing),
  ).toBe(true);
  // Once the scripts run, the checkbox gives way to the confirm() box.
  await expect(form.getByTestId('restart-understood')).toHaveCount(0, { timeout: 15_000 });
  expect(await startedAt(name)).toBe(before);
});

test.describe('cross-site form posts', () => {
  test.use({ storageState: anonymous });

  const forgedLogin = `<form method="post" action="${DASHBOARD}/login">
    <input name="username" value="admin"><input name="password" value="${E2E_PASSWORD}">
    <button type="submit">Send</button></form>`;

  for (const [name, headers, origin, reason] of [
    ['from another site', {}, 'http://evil.example', 'Origin http://evil.example is not this dashboard'],
    [
      'from a sandboxed page (Origin null)',
      { 'Content-Security-Policy': 'sandbox allow-forms' },
      'null',
      'Origin null',
    ],
  ] as const) {
    test(`a login posted ${name} is refused with a page that says why`, async ({ page }) => {
      await page.route('http://evil.example/**', (route) =>
        route.fulfill({ contentType: 'text/html', headers: { ...headers }, body: forgedLogin }),
      );
      await page.goto('http://evil.example/');
      const answered = page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().startsWith(DASHBOARD),
      );
      await page.getByRole('button', { name: 'Send' }).click();
      const response = await answered;
      expect(response.request().headers()['origin']).toBe(origin);
      expect(response.status()).toBe(403);
      expect(response.headers()['content-type']).toMatch(/^text\/html/);
      await expect(page.getByRole('heading', { name: 'Request refused' })).toBeVisible();
      await expect(page.getByTestId('refusal')).toContainText('POST /login');
      await expect(page.getByTestId('refusal-reason')).toContainText(reason);
      await expect(page.getByTestId('refusal')).toContainText('cross-site request forgery');
      await expect(page.getByRole('link', { name: 'Back to the dashboard' })).toHaveAttribute('href', '/');
      await expect(page.getByTestId('refusal')).not.toContainText(E2E_PASSWORD);
      expect((await page.context().cookies(DASHBOARD)).filter((cookie) => cookie.name === 'mastodash_session')).toEqual(
        [],
      );
      await page.screenshot({
        path: `e2e/artifacts/refusal-${origin === 'null' ? 'origin-null' : 'foreign-origin'}.png`,
      });
    });
  }

  test('an API client keeps the short text answer', async ({ request }) => {
    const response = await request.post(`${DASHBOARD}/login`, {
      headers: { origin: 'http://evil.example', accept: '*/*' },
      data: 'x',
    });
    expect(response.status()).toBe(403);
    expect(await response.text()).toBe('Forbidden: Origin http://evil.example is not this dashboard\n');
  });
});

test('with JavaScript on, the same registrations form saves in place and keeps the chosen mode', async ({ page }) => {
  await page.goto('/registrations');
  const shown = (await page.getByTestId('registrations-mode').getAttribute('data-mode')) ?? '';
  let documents = 0;
  page.on('request', (request) => {
    if (request.isNavigationRequest()) documents += 1;
  });
  await page.getByTestId('registrations-submit').click();
  await expect(page.getByTestId('registrations-done')).toContainText('Saved (audit record #');
  expect(documents, 'answered by the server action, not a page load').toBe(0);
  await expect(page.getByTestId('registrations-mode')).toHaveAttribute('data-mode', shown);
  await expect(page.locator(`input[name="mode"][value="${shown}"]`)).toBeChecked();
});
