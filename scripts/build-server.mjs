// Bundles the launcher (server/start.ts and the config module it validates with) into dist/start.mjs,
// and completes Next's standalone output with the static assets it does not copy itself.
import { cpSync, existsSync, mkdirSync } from 'node:fs';

import { build } from 'esbuild';

await build({
  entryPoints: ['server/start.ts'],
  outfile: 'dist/start.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // 'server-only' resolves to its empty react-server entry, as it does inside Next's server bundles.
  conditions: ['react-server'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});

mkdirSync('.next/standalone/.next', { recursive: true });
cpSync('.next/static', '.next/standalone/.next/static', { recursive: true });
if (existsSync('public')) cpSync('public', '.next/standalone/public', { recursive: true });
console.log('built dist/start.mjs and completed .next/standalone');
