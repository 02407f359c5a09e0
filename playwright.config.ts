import { defineConfig } from '@playwright/test';

import { readTestbed } from './test/support/testbed';

const testbed = readTestbed();
export const E2E_PORT = 3101;

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
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [
    { name: 'light', use: { colorScheme: 'light', viewport: { width: 1280, height: 900 } } },
  ],
  webServer: {
    // The production build, as an admin runs it (npm run build happens before the e2e run).
    command: 'npm start',
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      HOST: '127.0.0.1',
      DOCKER_HOST: testbed.dockerHost,
      COMPOSE_PROJECT: testbed.project,
      MASTODON_DIR: testbed.mastodonDir,
      DATA_DIR: 'e2e/artifacts/data',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
