// The esbuild options every server-side bundle shares: the launcher, the CLI and the socket proxy
// (scripts/build-server.mjs), and the CLI the unit tests build (test/unit/auth/cli.test.ts).
import { createRequire } from 'node:module';

/** @type {import('esbuild').BuildOptions} */
export const SERVER_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // 'server-only' resolves to its empty react-server entry, as it does inside Next's server bundles.
  conditions: ['react-server'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [compiledMessageFormatter()],
};

/**
 * use-intl formats compiled messages, as next-intl's precompile makes Next's bundles do (next.config.js): the
 * catalog compiles every message when it reads it (lib/i18n/catalog.ts), for the launcher and the CLI as for Next.
 * @returns {import('esbuild').Plugin}
 */
function compiledMessageFormatter() {
  const formatOnly = createRequire(import.meta.url).resolve('use-intl/format-message/format-only');
  return {
    name: 'compiled-message-formatter',
    setup(build) {
      build.onResolve({ filter: /^use-intl\/format-message$/ }, () => ({ path: formatOnly }));
    },
  };
}
