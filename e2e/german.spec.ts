import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';

import { readFileSync } from 'node:fs';

import { createTelegrafModel } from '../scripts/testbed/seed/telegraf-model.mjs';
import { testbed } from './support/docker';

const seed = JSON.parse(readFileSync('/run/mastodash-testbed/influx-seed.json', 'utf8')) as {
  anchorMs: number;
  projects: string[];
};
const model = createTelegrafModel({ anchorMs: seed.anchorMs, projects: seed.projects });
/** The seeded RAM share the headline shows, e.g. 11.2. */
const ramPercent = Number(model.valueAt('mem', 'used_percent', model.anchorMs)).toFixed(1);

/**
 * Issue 20: the main pages in German and in English. The language comes from the browser (Playwright's `locale`
 * sets Accept-Language and navigator.language); the top bar's switch overrides it with a cookie.
 * Screenshots of both languages go to e2e/artifacts/i18n/.
 */

interface PageCase {
  path: string;
  name: string;
  /** The page's first heading in each language. */
  de: string | RegExp;
  en: string | RegExp;
}

const PAGES: PageCase[] = [
  { path: '/', name: 'home', de: /auf einen Blick$/, en: /at a glance$/ },
  { path: '/graphs', name: 'graphs', de: 'Speicher und CPU', en: 'Memory and CPU' },
  { path: '/logs', name: 'logs', de: /^Log von /, en: /^Log of / },
  { path: '/backups', name: 'backups', de: 'Sicherungen', en: 'Backups' },
  { path: '/accounts', name: 'accounts', de: 'Konto erstellen', en: 'Create an account' },
  { path: '/registrations', name: 'registrations', de: 'Registrierungen', en: 'Registrations' },
  { path: '/media', name: 'media', de: 'Berechtigungen des Medienordners', en: 'Media folder permissions' },
  { path: '/audit', name: 'audit', de: 'Protokoll', en: 'Audit log' },
  { path: '/alerts', name: 'alerts', de: 'Alarme', en: 'Alerts' },
];

async function removeAccount(username: string) {
  const client = new pg.Client({ connectionString: testbed.pgUrl43 });
  await client.connect();
  try {
    const account = await client.query('SELECT id FROM accounts WHERE username = $1 AND domain IS NULL', [username]);
    const ids = account.rows.map((row: { id: string }) => row.id);
    expect(ids).toHaveLength(1);
    await client.query('DELETE FROM users WHERE account_id = ANY($1::bigint[])', [ids]);
    await client.query('DELETE FROM account_stats WHERE account_id = ANY($1::bigint[])', [ids]);
    await client.query('DELETE FROM accounts WHERE id = ANY($1::bigint[])', [ids]);
  } finally {
    await client.end();
  }
}

async function expectLanguage(page: Page, lang: 'de' | 'en') {
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

test.describe('in German (Accept-Language: de-DE)', () => {
  test.use({ locale: 'de-DE' });

  for (const pageCase of PAGES) {
    test(`${pageCase.name}: German words, lang="de"`, async ({ page }) => {
      await page.goto(pageCase.path);
      await expectLanguage(page, 'de');
      await expect(page.getByRole('navigation').getByRole('link', { name: 'Konten' })).toBeVisible();
      await expect(page.getByRole('heading', { level: 1 }).first()).toHaveText(pageCase.de);
      await page.screenshot({ path: `e2e/artifacts/i18n/${pageCase.name}-de.png`, fullPage: true });
    });
  }
});

test.describe('the home page in German', () => {
  test.use({ locale: 'de-DE' });

  test('containers, vitals and the memory headline with a decimal comma', async ({ page }) => {
    await page.goto('/');
    await expectLanguage(page, 'de');
    await expect(page.getByTestId('containers-panel')).toContainText('Container des Compose-Projekts');
    await expect(page.locator('#people-title')).toHaveText('Personen und Moderation');
    await expect(page.locator('#storage-title')).toHaveText('Speicherplatz');
    await expect(page.locator('#doctor-title')).toHaveText('Konfiguration');
    await expect(page.getByTestId('doctor-summary')).toContainText('Prüfungen bestanden');
    const ram = page.getByTestId('headline-ram');
    await expect(ram).toContainText('RAM belegt');
    await expect(ram.locator('.headline-value')).toHaveText(`${ramPercent.replace('.', ',')} %`, { timeout: 20_000 });
    await page.screenshot({ path: 'e2e/artifacts/i18n/home-full-de.png', fullPage: true });
    await page.screenshot({ path: 'e2e/artifacts/i18n/home-top-de.png' });
  });

  test('the same headline in English keeps the decimal point', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-US', storageState: 'e2e/artifacts/admin-session.json' });
    const page = await context.newPage();
    await page.goto('/');
    await expectLanguage(page, 'en');
    await expect(page.getByTestId('headline-ram').locator('.headline-value')).toHaveText(`${ramPercent} %`, {
      timeout: 20_000,
    });
    await context.close();
  });
});

test.describe('an action in German, from start to end', () => {
  test.use({ locale: 'de-DE' });

  test('creating an account: German field errors, then the German password-once panel', async ({ page }) => {
    await page.goto('/accounts');
    await expectLanguage(page, 'de');
    const username = page.getByTestId('username');
    const email = page.getByTestId('email');
    await username.fill('bob;id');
    await email.fill('alice.example.org');
    await page.getByTestId('create-account').click();
    await expect(page.locator('label', { has: username }).locator('.field-error')).toHaveText(
      'Ein Profilname darf nur Buchstaben a–z, Ziffern und _ enthalten; er enthält „;“',
    );
    await expect(page.locator('label', { has: email }).locator('.field-error')).toHaveText(
      'Eine E-Mail-Adresse enthält genau ein @, wie in name@example.org',
    );
    await page.screenshot({ path: 'e2e/artifacts/i18n/accounts-field-errors-de.png', fullPage: true });

    const name = `e2ede${Date.now() % 100000}`;
    await username.fill(name);
    await email.fill(`${name}@example.org`);
    await page.getByTestId('create-account').click();
    await expect(page.getByTestId('generated-password')).toHaveText(/^[0-9a-f]{32}$/, { timeout: 60_000 });
    await expect(page.getByTestId('password-once-title')).toHaveText(`Konto erstellt: @${name}`);
    await expect(page.getByTestId('password-warning')).toHaveText(
      'Speichere es jetzt: Das Passwort wird nur einmal angezeigt und kann nicht erneut angezeigt werden.',
    );
    await page.screenshot({ path: 'e2e/artifacts/i18n/accounts-password-once-de.png', fullPage: true });
    await removeAccount(name);
  });
});

test.describe('in English (Accept-Language: en-US)', () => {
  test.use({ locale: 'en-US' });

  for (const pageCase of PAGES) {
    test(`${pageCase.name}: English words, lang="en"`, async ({ page }) => {
      await page.goto(pageCase.path);
      await expectLanguage(page, 'en');
      await expect(page.getByRole('navigation').getByRole('link', { name: 'Accounts' })).toBeVisible();
      await expect(page.getByRole('heading', { level: 1 }).first()).toHaveText(pageCase.en);
      await page.screenshot({ path: `e2e/artifacts/i18n/${pageCase.name}-en.png`, fullPage: true });
    });
  }
});

test.describe('the language switch', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the login page follows the browser, and the switch overrides it and is remembered', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto('/login');
    await expectLanguage(page, 'de');
    await expect(page.locator('#login-title')).toHaveText('Bei Mastodash anmelden');
    await page.screenshot({ path: 'e2e/artifacts/i18n/login-de.png' });
    await expect(page.getByTestId('language-de')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('language-en').click();
    await expectLanguage(page, 'en');
    await expect(page.locator('#login-title')).toHaveText('Log in to Mastodash');
    await page.screenshot({ path: 'e2e/artifacts/i18n/login-en.png' });
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByTestId('language-en')).toHaveAttribute('aria-pressed', 'true');
    // Remembered: a new page in the same browser, still sending Accept-Language: de-DE, stays English.
    await page.goto('/login');
    await expectLanguage(page, 'en');
    const cookie = (await context.cookies()).find((entry) => entry.name === 'mastodash_locale');
    expect(cookie?.value).toBe('en');
    expect(cookie?.httpOnly).toBe(true);
    await context.close();
  });

  test('with JavaScript off, the switch is a plain form that works', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/login');
    await expectLanguage(page, 'en');
    await page.getByTestId('language-de').click();
    await expectLanguage(page, 'de');
    await expect(page).toHaveURL(/\/login$/);
    await context.close();
  });

  test('a language we do not speak falls back to English; a forged cookie value changes nothing', async ({
    browser,
  }) => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto('/login');
    await expectLanguage(page, 'en');
    await context.addCookies([{ name: 'mastodash_locale', value: 'xx', domain: '127.0.0.1', path: '/' }]);
    await page.goto('/login');
    await expectLanguage(page, 'en');
    await context.close();
  });
});
