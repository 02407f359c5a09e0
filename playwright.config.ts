import { defineConfig } from '@playwright/test';

import { readTestbed, testbedBackendsEnv } from './test/support/testbed';

const testbed = readTestbed();
/** E2E_PORT in the environment lets two checkouts run their e2e suites side by side. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3101);
/** The e2e server's own state; wiped at every start so that each run begins without sessions or locks. */
export const E2E_DATA_DIR = `/tmp/mastodash-e2e-data-${E2E_PORT}`;
export const E2E_PASSWORD = 'e2e-admin-password-long';
/**
 * How recent a login must be for restarts and other changes. The admin session from login.setup.ts serves the whole
 * run, which takes longer than the default 10 minutes; tests of the password prompt plant an older login.
 */
export const E2E_REAUTH_MINUTES = 120;
export const ADMIN_STATE = 'e2e/artifacts/admin-session.json';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts/results',
  // The specs stop and start shared containers and the Docker daemon itself: one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'e2e/artifacts/report.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'login', testMatch: /login\.setup\.ts/ },
    {
      name: 'light',
      dependencies: ['login'],
      testIgnore: /image\.spec\.ts/,
      use: { colorScheme: 'light', viewport: { width: 1280, height: 900 }, storageState: ADMIN_STATE },
    },
    // The container image, run as deploy/compose.mastodash*.yml say (scripts/testbed/image.sh builds it first).
    {
      name: 'image',
      testMatch: /image\.spec\.ts/,
      use: { colorScheme: 'light', viewport: { width: 1280, height: 900 } },
    },
  ],
  webServer: {
    // The production build, as an admin runs it (npm run build happens before the e2e run).
    command: `rm -rf ${E2E_DATA_DIR} && npm start`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      HOST: '127.0.0.1',
      DOCKER_HOST: testbed.dockerHost,
      COMPOSE_PROJECT: testbed.project,
      MASTODON_DIR: testbed.mastodonDir,
      ...testbedBackendsEnv(testbed),
      // Telegraf's interval; short, so that refresh and live-sampling tests take seconds.
      METRICS_INTERVAL_SECONDS: '3',
      DATA_DIR: E2E_DATA_DIR,
      DASHBOARD_PASSWORD: E2E_PASSWORD,
      REAUTH_MINUTES: String(E2E_REAUTH_MINUTES),
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
