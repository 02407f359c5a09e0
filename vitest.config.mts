import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // 'server-only' throws outside React's server environment; tests are that environment.
    alias: [
      { find: 'server-only', replacement: fileURLToPath(new URL('./test/support/server-only.ts', import.meta.url)) },
      { find: /^@\//, replacement: `${root}` },
      // The compiled-message formatter, as in Next's bundles and the launcher's (lib/i18n/catalog.ts compiles).
      { find: /^use-intl\/format-message$/, replacement: 'use-intl/format-message/format-only' },
    ],
  },
  test: {
    // Bundled by Vite rather than loaded by Node, so that the alias above reaches use-intl's own import.
    server: { deps: { inline: ['next-intl', 'use-intl'] } },
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
