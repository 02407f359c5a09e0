import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

import { testbed } from './support/docker';
import { renewSidekiqHeartbeat } from './support/vitals';

/** Every page, and what shows that its data has arrived (panels load after the first paint). */
const PAGES: { path: string; ready: (page: Page) => Promise<void> }[] = [
  {
    path: '/',
    ready: async (page) => {
      await renewSidekiqHeartbeat();
      await page.reload();
      await expect(page.getByTestId('containers-summary')).toContainText('running');
      await expect(page.getByTestId('headline-ram')).toBeVisible();
      await expect(page.getByTestId('sidekiq-process')).not.toHaveCount(0);
    },
  },
  { path: '/graphs', ready: (page) => expect(page.getByTestId('metrics-source')).toBeVisible() },
  {
    path: `/logs?container=${testbed.project}-web-1`,
    ready: (page) => expect(page.getByTestId('log-line').first()).toBeVisible({ timeout: 15_000 }),
  },
  { path: '/accounts', ready: (page) => expect(page.getByTestId('create-account')).toBeVisible() },
  { path: '/media', ready: (page) => expect(page.getByTestId('media-owner-expected')).toBeVisible() },
  { path: '/registrations', ready: (page) => expect(page.getByTestId('registrations-form')).toBeVisible() },
  { path: '/alerts', ready: (page) => expect(page.getByTestId('alert-history')).toBeVisible() },
  { path: '/audit', ready: (page) => expect(page.getByTestId('audit-summary')).toBeVisible() },
  { path: '/login', ready: (page) => expect(page.getByRole('button', { name: 'Log in' })).toBeVisible() },
];

/** A 390 px phone (a common width), and 320 px, the narrowest still sold, where wide tables show first. */
const PHONES = [
  { width: 390, height: 844 },
  { width: 320, height: 640 },
];

/** axe's findings, one line per failing element, so that a failure names what to fix. */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact ?? 'n/a'}): ${node.target.join(' ')}: ` +
        `${node.failureSummary?.replace(/\s+/g, ' ') ?? ''}`,
    ),
  );
}

async function open(page: Page, entry: (typeof PAGES)[number]): Promise<void> {
  const response = await page.goto(entry.path);
  expect(response?.status(), entry.path).toBe(200);
  await entry.ready(page);
}

/**
 * One load per page, then each way of seeing it: axe in the light and the dark theme (the page follows
 * prefers-color-scheme as it changes), and the page's width on each phone (it follows the viewport as it changes).
 * A load per theme and width took four times as long and found nothing more.
 */
for (const entry of PAGES) {
  test(`${entry.path}: no accessibility violations in either theme, and no sideways scrolling on a phone`, async ({
    page,
    browser,
  }) => {
    let target = page;
    // The login page is seen without a session: a logged-in visit is sent on to the home page.
    if (entry.path === '/login')
      target = await (
        await browser.newContext({ colorScheme: 'light', storageState: { cookies: [], origins: [] } })
      ).newPage();
    await open(target, entry);
    for (const colorScheme of ['light', 'dark'] as const) {
      await target.emulateMedia({ colorScheme });
      expect(
        await target.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
        `${entry.path}: the ${colorScheme} theme is in effect`,
      ).toBe(colorScheme === 'dark');
      expect(await axeViolations(target), `${entry.path} in the ${colorScheme} theme`).toEqual([]);
    }
    for (const phone of PHONES) {
      await target.setViewportSize(phone);
      // The layout follows on the next frames (CSS at once, resize observers a frame later).
      await target.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      const widths = await target.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(widths.innerWidth, `${entry.path}: the viewport is ${phone.width} px wide`).toBe(phone.width);
      expect(
        widths.scrollWidth,
        `${entry.path}: page ${widths.scrollWidth} px wide on a ${widths.innerWidth} px screen`,
      ).toBeLessThanOrEqual(widths.innerWidth);
    }
  });
}
