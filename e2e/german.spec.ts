import { expect, test, type Page } from '@playwright/test';

/**
 * Issue 20: the main pages in German and in English. The language comes from the browser (Playwright's `locale`
 * sets Accept-Language and navigator.language); the top bar's switch overrides it with a cookie.
 * Screenshots of both languages go to e2e/artifacts/i18n/.
 */

interface PageCase {
  path: string;
  name: string;
  /** An element of the page and its words in each language. */
  testId: string;
  de: RegExp;
  en: RegExp;
}

const PAGES: PageCase[] = [
  // Filled with each page's own words; see the helpers' reports in the issue's closing note.
];

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
      await expect(page.getByTestId(pageCase.testId).first()).toContainText(pageCase.de);
      await page.screenshot({ path: `e2e/artifacts/i18n/${pageCase.name}-de.png`, fullPage: true });
    });
  }
});

test.describe('in English (Accept-Language: en-US)', () => {
  test.use({ locale: 'en-US' });

  for (const pageCase of PAGES) {
    test(`${pageCase.name}: English words, lang="en"`, async ({ page }) => {
      await page.goto(pageCase.path);
      await expectLanguage(page, 'en');
      await expect(page.getByRole('navigation').getByRole('link', { name: 'Accounts' })).toBeVisible();
      await expect(page.getByTestId(pageCase.testId).first()).toContainText(pageCase.en);
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
    await expect(page.getByTestId('language-de')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('language-en').click();
    await expectLanguage(page, 'en');
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
