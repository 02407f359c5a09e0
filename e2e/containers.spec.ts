import { expect, test, type Page } from '@playwright/test';

import { docker, testbed, testbedService, waitForHealth } from './support/docker';

const SERVICES = ['db', 'redis', 'sidekiq', 'streaming', 'web'];
const project = testbed.project;

function card(page: Page, service: string) {
  return page.getByTestId(`container-${project}-${service}-1`);
}

async function openLive(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connection', 'live');
}

test.beforeAll(async () => {
  for (const service of SERVICES) await waitForHealth(`${project}-${service}-1`, 'healthy');
});

test('lists the five services of its project, and none of the other project', async ({ page }) => {
  await openLive(page);
  for (const service of SERVICES) {
    const container = card(page, service);
    await expect(page.getByTestId(`service-${service}`)).toBeVisible();
    await expect(container).toHaveAttribute('data-state', 'running');
    await expect(container).toHaveAttribute('data-health', 'healthy');
    await expect(container.getByTestId('state')).toHaveText(/Running/);
    await expect(container.getByTestId('health')).toHaveText(/Healthy/);
  }
  await expect(page.getByTestId('containers-summary')).toHaveText(/5 containers · 5 running/);
  await expect(page.getByText(`${testbed.otherProject}-`, { exact: false })).toHaveCount(0);
  await expect(card(page, 'web')).toContainText('mastodon:v4.3.17');
  await page.screenshot({ path: 'e2e/artifacts/home-light.png', fullPage: true });
});

test('a stopped container shows as exited within 2 s without a reload, and running again after start', async ({
  page,
}) => {
  await openLive(page);
  const streaming = card(page, 'streaming');
  await expect(streaming).toHaveAttribute('data-state', 'running');
  let navigations = 0;
  page.on('framenavigated', () => (navigations += 1));

  await docker('stop', '--time', '5', `${project}-streaming-1`);
  await expect(streaming).toHaveAttribute('data-state', 'exited', { timeout: 2_000 });
  await expect(streaming.getByTestId('state')).toHaveText(/Exited \(code \d+\)/);
  await expect(streaming.getByTestId('finished')).toBeVisible();
  await expect(page.getByTestId('containers-summary')).toHaveText(/1 stopped/);
  await page.screenshot({ path: 'e2e/artifacts/container-stopped.png', fullPage: true });

  await docker('start', `${project}-streaming-1`);
  await expect(streaming).toHaveAttribute('data-state', 'running', { timeout: 2_000 });
  expect(navigations).toBe(0);
  await waitForHealth(`${project}-streaming-1`, 'healthy');
});

test('a failing health check shows unhealthy with the probe output', async ({ page }) => {
  await openLive(page);
  const redis = card(page, 'redis');
  await docker('exec', `${project}-redis-1`, 'touch', '/tmp/unhealthy');
  try {
    await expect(redis).toHaveAttribute('data-health', 'unhealthy', { timeout: 30_000 });
    await expect(redis.getByTestId('health')).toHaveText(/Unhealthy/);
    await redis.getByText(/Last health check: exit 1/).click();
    await expect(redis.getByTestId('probe-output')).toHaveText(/unhealthy: \/tmp\/unhealthy present/);
    await page.screenshot({ path: 'e2e/artifacts/container-unhealthy.png', fullPage: true });
  } finally {
    await docker('exec', `${project}-redis-1`, 'rm', '-f', '/tmp/unhealthy');
  }
  await expect(redis).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });
});

test('with dockerd stopped the page renders and says Docker is down, and recovers without a reload', async ({
  page,
}) => {
  await openLive(page);
  await testbedService('stop', 'dockerd');
  try {
    await expect(page.getByTestId('docker-error')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('docker-error')).toContainText('Docker is down');

    const fresh = await page.context().newPage();
    const response = await fresh.goto('/');
    expect(response?.status()).toBe(200);
    await expect(fresh.getByTestId('docker-error')).toContainText('Docker is down');
    await expect(fresh.getByTestId('docker-error')).toContainText('/run/mastodash-testbed/docker.sock');
    await fresh.screenshot({ path: 'e2e/artifacts/docker-down.png', fullPage: true });
    await fresh.close();
  } finally {
    await testbedService('start', 'dockerd');
  }
  await expect(page.getByTestId('docker-error')).toHaveCount(0, { timeout: 15_000 });
  for (const service of SERVICES) await expect(card(page, service)).toHaveAttribute('data-state', 'running');
});

test('follows the system dark theme and fits a phone screen', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await openLive(page);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 18, 22)');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(card(page, 'web')).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/home-dark-phone.png', fullPage: true });
});
