// @ts-check
// Next loads this file as CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createNextIntlPlugin = require('next-intl/plugin');

// The language comes from a cookie or Accept-Language, not from the URL (lib/i18n/request.ts). precompile makes
// every bundle format compiled messages, so the browser gets no ICU parser (intl-messageformat, 12 KB gzip) and the
// graphs page stays within its 300 KB first-load budget. The server compiles the catalog when it reads it
// (lib/i18n/catalog.ts); the loader compiles the few message files a client component imports itself.
const withNextIntl = createNextIntlPlugin({
  requestConfig: './lib/i18n/request.ts',
  experimental: { messages: { path: './messages', format: 'json', locales: 'infer', precompile: true } },
});

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The launcher (server/start.ts) runs the standalone server in-process, the same way the image does.
  output: 'standalone',
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and optional dependencies of the backends stay plain Node modules instead of being bundled.
  serverExternalPackages: ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'pg', 'ioredis'],
};

module.exports = withNextIntl(nextConfig);
