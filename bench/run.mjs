#!/usr/bin/env node
// Runs a TypeScript benchmark: bundles bench/<name>.bench.ts with esbuild (as scripts/build-server.mjs
// bundles the server) into bench/.out/, then runs the bundle. Usage: node bench/run.mjs graphs
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { build } from 'esbuild';

const name = process.argv[2];
const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, `${name ?? ''}.bench.ts`);
if (!name || !existsSync(entry)) {
  console.error(`usage: node bench/run.mjs <name>, where bench/<name>.bench.ts exists (got ${name ?? 'nothing'})`);
  process.exit(2);
}
const outfile = path.join(here, '.out', `${name}.bench.mjs`);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  // Native modules load from node_modules.
  external: ['better-sqlite3', 'dockerode', '@playwright/test', 'playwright', 'playwright-core'],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['react-server'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
