// @ts-check
const createNextIntlPlugin = require('next-intl/plugin');

// The language comes from a cookie or Accept-Language, not from the URL (lib/i18n/request.ts).
const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

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
