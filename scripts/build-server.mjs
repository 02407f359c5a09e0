// Bundles the launcher (server/start.ts), the admin CLI (server/cli.ts) and the Docker socket proxy
// (server/socket-proxy.ts) into dist/, and completes
// Next's standalone output with the static assets and the message files it does not copy itself.
import { cpSync, existsSync, mkdirSync } from 'node:fs';

import { build } from 'esbuild';

import nextConfig from '../next.config.js';
import { SERVER_BUNDLE_OPTIONS } from './server-bundle.mjs';

await build({
  ...SERVER_BUNDLE_OPTIONS,
  entryPoints: { start: 'server/start.ts', cli: 'server/cli.ts', 'socket-proxy': 'server/socket-proxy.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // Native modules load from node_modules (in the image: the standalone output's node_modules), and so do the
  // backends' clients Next keeps external (the alert watcher's detectors reach them from the launcher).
  external: ['better-sqlite3', ...nextConfig.serverExternalPackages],
});

mkdirSync('.next/standalone/.next', { recursive: true });
cpSync('.next/static', '.next/standalone/.next/static', { recursive: true });
// lib/i18n/catalog.ts reads the message files at run time, from the standalone server's working directory.
cpSync('messages', '.next/standalone/messages', { recursive: true });
if (existsSync('public')) cpSync('public', '.next/standalone/public', { recursive: true });
console.log('built dist/start.mjs, dist/cli.mjs, dist/socket-proxy.mjs and completed .next/standalone');
