import { expect, test, type Page } from '@playwright/test';

import { execIn, removeStack, startStack, waitHealthy, type RunningStack } from '../test/support/compose-stack';
import { docker, testbed } from './support/docker';

/**
 * The end-to-end smoke against the container image, run as deploy/compose.mastodash*.yml say
 * (test/support/compose-stack.ts translates the file): set the password the way the README says, log in,
 * see the containers, restart one. Then the three failures the README's troubleshooting section quotes,
 * each produced for real.
 */

const PASSWORD = 'image-smoke-password-long';
const SERVICES = ['db', 'redis', 'sidekiq', 'streaming', 'web'];

async function setPasswordAndLogIn(page: Page, stack: RunningStack): Promise<void> {
  // README: docker compose exec -T mastodash node dist/cli.mjs set-password
  const set = await execIn(
    stack.containers.mastodash as string,
    ['node', 'dist/cli.mjs', 'set-password'],
    `${PASSWORD}\n`,
  );
  expect(set.exitCode, set.output).toBe(0);
  await page.goto(`${stack.url}/`);
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('containers-panel')).toBeVisible();
}

async function smoke(page: Page, stack: RunningStack, service: string, screenshot: string): Promise<void> {
  await setPasswordAndLogIn(page, stack);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connection', 'live');
  for (const each of SERVICES) {
    await expect(page.getByTestId(`container-${testbed.project}-${each}-1`)).toHaveAttribute('data-state', 'running');
  }
  await expect(page.getByTestId('containers-summary')).toHaveText(/5 containers · 5 running/);

  const name = `${testbed.project}-${service}-1`;
  const before = await docker('inspect', '--format', '{{.State.StartedAt}}', name);
  const card = page.getByTestId(`container-${name}`);
  await card.getByTestId('restart').click();
  const job = card.getByTestId('job');
  await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(job).toContainText(`${name}: healthy`);
  expect(await docker('inspect', '--format', '{{.State.StartedAt}}', name)).not.toBe(before);
  await page.screenshot({ path: `e2e/artifacts/${screenshot}`, fullPage: true });
}

test.describe('the image with the socket proxy (deploy/compose.mastodash.yml)', () => {
  const prefix = 'mastodash-e2e-proxied';
  let stack: RunningStack;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    stack = await startStack({ file: 'proxied', prefix, port: 3221 });
    await waitHealthy(stack.containers['mastodash-socket-proxy'] as string);
    await waitHealthy(stack.containers.mastodash as string);
  });
  test.afterAll(async () => removeStack(prefix));

  test('log in, see the containers, restart one, all through the proxy', async ({ page }) => {
    await smoke(page, stack, 'sidekiq', 'image-proxied-home.png');
    const proxyLog = await docker('logs', stack.containers['mastodash-socket-proxy'] as string);
    // Everything the dashboard did went through the allow-list.
    expect(proxyLog).not.toContain('refused');
  });
});

test.describe('the image holding the socket through its group (deploy/compose.mastodash-direct.yml)', () => {
  const prefix = 'mastodash-e2e-direct';
  let stack: RunningStack;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    stack = await startStack({ file: 'direct', prefix, port: 3222 });
    await waitHealthy(stack.containers.mastodash as string);
  });
  test.afterAll(async () => removeStack(prefix));

  test('log in, see the containers, restart one', async ({ page }) => {
    await smoke(page, stack, 'streaming', 'image-direct-home.png');
  });
});

test.describe('the failures the README troubleshoots, produced for real', () => {
  const prefix = 'mastodash-e2e-broken';
  test.afterEach(async () => removeStack(prefix));

  test('without the socket group: Docker refused access, permission denied', async ({ page }) => {
    test.setTimeout(120_000);
    const stack = await startStack({
      file: 'direct',
      prefix,
      port: 3223,
      adjust: (_, service) => service.delete('group_add'),
    });
    await waitHealthy(stack.containers.mastodash as string);
    await setPasswordAndLogIn(page, stack);
    const error = page.getByTestId('docker-error');
    await expect(error).toHaveAttribute('data-code', 'docker_permission_denied');
    await expect(error).toContainText('Docker refused access: permission denied');
    await expect(error).toContainText("The dashboard's user may not open /var/run/docker.sock.");
    await page.screenshot({ path: 'e2e/artifacts/image-no-socket-group.png', fullPage: true });
  });

  test('not on the internal network (db and redis do not resolve): Postgres and Redis cannot be found', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    // .env.production as the Mastodon setup writes it for Docker; the names resolve only on internal_network.
    const stack = await startStack({
      file: 'proxied',
      prefix,
      port: 3224,
      extraEnv: { DB_HOST: 'db', DB_PORT: '5432', REDIS_HOST: 'redis', REDIS_PORT: '6379' },
      noNameResolution: true,
    });
    await waitHealthy(stack.containers.mastodash as string);
    await setPasswordAndLogIn(page, stack);
    await expect(page.getByTestId('people-error')).toContainText("Mastodon's Postgres cannot be found");
    await expect(page.getByTestId('people-error')).toContainText(
      'db:5432/mastodon_43: the host name does not resolve here',
    );
    await expect(page.getByTestId('people-error')).toContainText('internal_network');
    await expect(page.getByTestId('sidekiq-panel')).toContainText('Redis cannot be found');
    await page.screenshot({ path: 'e2e/artifacts/image-not-on-internal-network.png', fullPage: true });
  });

  test('a wrong INFLUX_TOKEN: InfluxDB refused the credentials', async ({ page }) => {
    test.setTimeout(120_000);
    const [user] = testbed.influxReader.split(':');
    const stack = await startStack({
      file: 'proxied',
      prefix,
      port: 3225,
      extraEnv: { INFLUX_URL: testbed.influxUrl, INFLUX_TOKEN: `${user}:not-the-password` },
    });
    await waitHealthy(stack.containers.mastodash as string);
    await setPasswordAndLogIn(page, stack);
    await page.goto(`${stack.url}/graphs`);
    const error = page.getByTestId('graphs-error');
    await expect(error).toHaveAttribute('data-code', 'influx_auth_refused');
    await expect(error).toContainText('InfluxDB refused the credentials');
    await expect(error).toContainText(
      `${testbed.influxUrl.replace(/^https?:\/\//, '')} answered HTTP 401: INFLUX_TOKEN was not accepted.`,
    );
    await expect(error).not.toContainText('not-the-password');
  });
});
