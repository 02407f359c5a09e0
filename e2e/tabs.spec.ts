import { expect, test, type BrowserContext, type Locator, type Page, type Request } from '@playwright/test';

import { docker, testbed } from './support/docker';

/**
 * Through an SSH tunnel the browser speaks HTTP/1.1 to the dashboard and allows six
 * connections per host. Twelve tabs in one browser must each show their data, and still leave room for
 * a panel refresh: the browser holds one event stream, shared by its tabs (a SharedWorker).
 */
const project = testbed.project;
const WEB = `${project}-web-1`;

interface Tab {
  path: string;
  /** What shows that the page has its data (and, for live pages, that its live topic runs). */
  ready: (page: Page) => Locator[];
}

const following = (page: Page) => [page.getByTestId('log-follow-state').and(page.locator('[data-state="following"]'))];
const TABS: Tab[] = [
  {
    path: '/',
    ready: (page) => [
      page.getByTestId('live-indicator').and(page.locator('[data-connection="live"]')),
      page.getByTestId('containers-summary'),
    ],
  },
  { path: '/graphs', ready: (page) => [page.getByTestId('metrics-source')] },
  { path: `/logs?container=${WEB}`, ready: following },
  { path: '/accounts', ready: (page) => [page.getByTestId('create-account-form')] },
  { path: '/media', ready: (page) => [page.getByTestId('media-writable')] },
  { path: '/registrations', ready: (page) => [page.getByTestId('registrations-state')] },
  { path: '/audit', ready: (page) => [page.getByTestId('audit-summary')] },
  { path: `/logs?container=${project}-sidekiq-1`, ready: following },
  { path: '/', ready: (page) => [page.getByTestId('live-indicator').and(page.locator('[data-connection="live"]'))] },
  { path: `/logs?container=${project}-redis-1`, ready: following },
  { path: '/graphs', ready: (page) => [page.getByTestId('metrics-source')] },
  { path: `/logs?container=${WEB}`, ready: following },
];

const WITHIN_MS = 5_000;

/**
 * Headless Chromium keeps every page "visible": bringToFront, Target.activateTarget, a second tab in the
 * same window, a minimised window and Page.setWebLifecycleState all left document.visibilityState at
 * 'visible' (Chromium 156). So hiding is faked: the page's visibilityState is overridden and the
 * browser's own 'visibilitychange' event is dispatched, which is what the dashboard listens to.
 */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hide) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hide ? 'hidden' : 'visible'),
    });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** A fetch from inside the page that gives up after `limitMs`, so a stalled request is a result, not a hung test. */
async function timedFetch(page: Page, path: string, limitMs: number): Promise<{ status: number; ms: number }> {
  return page.evaluate(
    async ({ url, limit }) => {
      const started = performance.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), limit);
      try {
        const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
        await response.text();
        return { status: response.status, ms: performance.now() - started };
      } catch {
        return { status: 0, ms: performance.now() - started };
      } finally {
        clearTimeout(timer);
      }
    },
    { url: path, limit: limitMs },
  );
}

async function sharedWorkers(context: BrowserContext): Promise<string[]> {
  const page = context.pages()[0];
  if (!page) return [];
  const session = await context.newCDPSession(page);
  const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
  await session.detach();
  return targetInfos.filter((target) => target.type === 'shared_worker').map((target) => target.url);
}

test.describe.configure({ mode: 'serial' });

test('twelve tabs across every page each show their data within 5 s, with room left for a panel refresh', async ({
  context,
}) => {
  test.setTimeout(180_000);
  const pages: Page[] = [];
  const readyMs: number[] = [];
  for (const tab of TABS) {
    const page = await context.newPage();
    pages.push(page);
    const started = Date.now();
    await page.goto(tab.path, { waitUntil: 'commit', timeout: WITHIN_MS });
    for (const locator of tab.ready(page)) {
      await expect(locator, `tab ${pages.length} (${tab.path})`).toBeVisible({
        timeout: Math.max(1, started + WITHIN_MS - Date.now()),
      });
    }
    readyMs.push(Date.now() - started);
  }

  // One stream for the browser: its tabs share one worker.
  expect(await sharedWorkers(context)).toHaveLength(1);

  const first = pages[0];
  if (!first) throw new Error('no tab');
  const refresh = await timedFetch(first, '/api/panels/sidekiq', 2_000);
  expect(refresh.status, `the panel refresh answered ${refresh.status} after ${Math.round(refresh.ms)} ms`).toBe(200);
  expect(refresh.ms).toBeLessThan(2_000);
  console.log(
    `[tabs] time to data per tab (ms): ${readyMs.join(', ')}; panel refresh in tab 1: ${Math.round(refresh.ms)} ms`,
  );

  // Every tab is still live after the others opened.
  for (const [index, tab] of TABS.entries()) {
    const page = pages[index];
    if (!page) continue;
    for (const locator of tab.ready(page))
      await expect(locator, `tab ${index + 1} (${tab.path})`).toBeVisible({ timeout: 2_000 });
  }
});

test('a tab hidden for 30 s leaves its topics, and shows the present within 2 s of being shown', async ({
  context,
}) => {
  test.setTimeout(120_000);
  const watcher = await context.newPage();
  const hidden = await context.newPage();
  for (const page of [watcher, hidden]) {
    await page.goto(`/logs?container=${WEB}`);
    await expect(following(page)[0]!).toBeVisible();
  }

  await setHidden(hidden, true);
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  const marker = `tabs-spec-hidden-${Date.now()}`;
  await docker('exec', WEB, 'sh', '-c', `echo ${marker} > /proc/1/fd/1`);
  // The visible tab follows the same log, so the line did go out on the browser's stream...
  await expect(watcher.getByTestId('log-lines')).toContainText(marker, { timeout: 5_000 });
  // ...but the hidden tab had left: nothing reached it.
  await expect(hidden.getByTestId('log-lines')).not.toContainText(marker);
  expect(await hidden.getByTestId('log-lines').textContent()).not.toContain(marker);

  const shownAt = Date.now();
  await setHidden(hidden, false);
  await expect(hidden.getByTestId('log-lines')).toContainText(marker, { timeout: 2_000 });
  expect(Date.now() - shownAt).toBeLessThan(2_000);
  await expect(following(hidden)[0]!).toBeVisible({ timeout: 2_000 });
});

test(
  'without SharedWorker (Chrome on Android) a tab holds one stream of its own for all its' +
    ' views, and closes it while hidden',
  async ({ context }) => {
    const page = await context.newPage();
    await page.addInitScript(() => Reflect.deleteProperty(window, 'SharedWorker'));
    const streams: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/live') streams.push(request);
    });
    await page.goto('/');
    expect(await page.evaluate(() => typeof (window as { SharedWorker?: unknown }).SharedWorker)).toBe('undefined');
    await expect(TABS[0]!.ready(page)[0]!).toBeVisible();
    // The containers and jobs views (and the live metrics, when InfluxDB is down) share it.
    await page.waitForTimeout(2_000);
    expect(streams).toHaveLength(1);

    const ended = new Promise<void>((resolve) => {
      const done = (request: Request) => request === streams[0] && resolve();
      page.on('requestfailed', done);
      page.on('requestfinished', done);
    });
    await setHidden(page, true);
    await ended;

    await setHidden(page, false);
    await expect.poll(() => streams.length, { timeout: 2_000 }).toBe(2);
    await expect(TABS[0]!.ready(page)[0]!).toBeVisible({ timeout: 2_000 });
  },
);
