import { readFileSync } from 'node:fs';

import { expect, test, type Locator } from '@playwright/test';

import type { MetricsView } from '../lib/metrics/types';
import type { PanelResult } from '../lib/panels/panel';
import { containerNameOf, createTelegrafModel } from '../scripts/testbed/seed/telegraf-model.mjs';
import { docker, testbed, testbedService, waitForHealth } from './support/docker';

const seed = JSON.parse(readFileSync('/run/mastodash-testbed/influx-seed.json', 'utf8')) as {
  anchorMs: number;
  projects: string[];
};
const model = createTelegrafModel({ anchorMs: seed.anchorMs, projects: seed.projects });
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** The points a recharts line draws: each M or L is one point, each M starts a segment after a gap. */
async function drawnLine(figure: Locator, seriesKey: string): Promise<{ points: number; segments: number }> {
  const d = (await figure.locator(`.series-${seriesKey} path.recharts-line-curve`).getAttribute('d')) ?? '';
  return { points: (d.match(/[ML]/g) ?? []).length, segments: (d.match(/M/g) ?? []).length };
}

function expectedLine(points: Array<[number, number | null]>): { points: number; segments: number } {
  let segments = 0;
  let previous: number | null = null;
  for (const [, value] of points) {
    if (value !== null && previous === null) segments += 1;
    previous = value;
  }
  return { points: points.filter(([, v]) => v !== null).length, segments };
}

test('the home page headline shows the seeded RAM, CPU and biggest memory user', async ({ page }) => {
  const at = model.anchorMs;
  await page.goto('/');
  const headline = page.getByTestId('headline-panel');
  await expect(headline.getByTestId('metrics-source')).toHaveText(/InfluxDB 1\.6\.7.*InfluxQL/);
  await expect(headline.getByTestId('headline-ram').locator('.headline-value')).toHaveText(
    `${Number(model.valueAt('mem', 'used_percent', at)).toFixed(1)} %`,
  );
  await expect(headline.getByTestId('headline-ram').locator('.headline-detail')).toHaveText(
    `${(Number(model.valueAt('mem', 'used', at)) / GIB).toFixed(1)} GiB of ` +
      `${(Number(model.valueAt('mem', 'total', at)) / GIB).toFixed(1)} GiB`,
  );
  await expect(headline.getByTestId('headline-cpu').locator('.headline-value')).toHaveText(
    `${(100 - Number(model.valueAt('cpu', 'usage_idle', at))).toFixed(1)} %`,
  );
  const webBytes = Number(
    model.valueAt(`docker_container_mem:${containerNameOf(testbed.project, 'web')}`, 'usage', at),
  );
  await expect(headline.getByTestId('headline-biggest').locator('.headline-value')).toHaveText(
    `web ${(webBytes / MIB).toFixed(0)} MiB`,
  );
  await expect(headline.locator('.sparkline')).toHaveCount(4);
  await expect(headline.getByTestId('headline-ram').locator('.sparkline path')).toHaveAttribute(
    'd',
    /^M[\d.]+,[\d.]+L/,
  );
  await page.screenshot({ path: 'e2e/artifacts/home-headline-light.png' });
});

test("the graphs page draws the API's points, with gaps where data is missing, in both themes", async ({ page }) => {
  // A fixed window around the seed's host outage, so that the page and the API answer the same buckets.
  const from = new Date(model.anchorMs - 6 * 3_600_000).toISOString().slice(0, 16);
  const to = new Date(model.anchorMs + 60_000).toISOString().slice(0, 16);
  const query = `range=custom&from=${from}Z&to=${to}Z`;
  const api = (await (await page.request.get(`/api/metrics?${query}`)).json()) as PanelResult<MetricsView>;
  expect(api.ok).toBe(true);
  if (!api.ok) return;

  await page.goto(`/graphs?${query}`);
  await expect(page.getByTestId('metrics-source')).toHaveText(/InfluxDB 1\.6\.7/);
  let checked = 0;
  for (const chart of api.data.charts) {
    const figure = page.getByTestId(`chart-${chart.id}`);
    await expect(figure).toBeVisible();
    for (const series of chart.series) {
      const expected = expectedLine(series.points);
      expect(await drawnLine(figure, series.key), `${chart.id}/${series.key}`).toEqual(expected);
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(18);
  // The host outage is a gap in the memory line, not a straight line across it.
  expect((await drawnLine(page.getByTestId('chart-host-memory'), 'used')).segments).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('chart-service-cpu')).toContainText('100 % is one full CPU core');
  await expect(page.getByTestId('metrics-notices')).toContainText('sidekiq: no data for the last');
  await page.screenshot({ path: 'e2e/artifacts/graphs-light.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 18, 22)');
  await page.screenshot({ path: 'e2e/artifacts/graphs-dark.png', fullPage: true });
});

test('presets are links that keep the range in the URL; a bad custom range gets a clear error', async ({ page }) => {
  await page.goto('/graphs');
  await page.getByRole('link', { name: '24h' }).click();
  await expect(page).toHaveURL(/\/graphs\?range=24h$/);
  await expect(page.getByRole('link', { name: '24h' })).toHaveAttribute('aria-current', 'page');
  await page.getByText('Custom range').click();
  await page.getByLabel('From (UTC)').fill('2026-11-20T12:00');
  await page.getByLabel('To (UTC)').fill('2026-11-20T11:00');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText('The end must be after the start')).toBeVisible();
  await expect(page).toHaveURL(/\/graphs\?range=24h$/);
});

test('a container restart is marked on the service charts', async ({ page }) => {
  const name = containerNameOf(testbed.project, 'streaming');
  await docker('restart', name);
  await waitForHealth(name, 'healthy');
  await page.goto('/graphs?range=1h');
  await expect(page.getByTestId('restart-markers')).toContainText(`${name} started (Docker)`);
  await expect(page.getByTestId('chart-service-memory').locator('.recharts-reference-line')).not.toHaveCount(0);
});

test("refreshes at Telegraf's interval while visible, and not while the tab is hidden", async ({ page }) => {
  let requests = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/metrics') requests += 1;
  });
  await page.goto('/graphs?range=1h');
  await page.waitForTimeout(7_000);
  expect(requests).toBeGreaterThanOrEqual(2);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  requests = 0;
  await page.waitForTimeout(7_000);
  expect(requests).toBe(0);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect.poll(() => requests, { timeout: 2_000 }).toBeGreaterThanOrEqual(1);
});

test('while InfluxDB is down the graphs show live numbers from Docker, and InfluxDB again once it is back', async ({
  page,
}) => {
  await testbedService('stop', 'influxdb');
  try {
    await page.goto('/graphs?range=1h');
    await expect(page.getByTestId('influx-error')).toContainText('InfluxDB is unreachable');
    await expect(page.getByTestId('metrics-source')).toHaveText(/Live numbers from Docker, not stored/);
    // Two samples make a line; the sampler measures every 3 s here.
    await expect(
      page.getByTestId('chart-service-memory').locator('.series-web path.recharts-line-curve'),
    ).toHaveAttribute('d', /L/, { timeout: 15_000 });
    await page.screenshot({ path: 'e2e/artifacts/graphs-live-fallback.png', fullPage: true });
  } finally {
    await testbedService('start', 'influxdb');
  }
  await expect(page.getByTestId('metrics-source')).toHaveText(/InfluxDB 1\.6\.7/, { timeout: 20_000 });
  await expect(page.getByTestId('influx-error')).toHaveCount(0);
});
