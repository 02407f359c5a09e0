import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // 'server-only' throws outside React's server environment; tests are that environment.
    alias: { 'server-only': fileURLToPath(new URL('./test/support/server-only.ts', import.meta.url)), '@': root },
  },
  test: {
    // The audit log also prints each record for journald; in test output those lines are noise.
    onConsoleLog: (log) => !log.startsWith('[audit] '),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/testbed-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
