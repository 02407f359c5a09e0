#!/usr/bin/env node
// Runs a TypeScript benchmark: bundles bench/<name>.bench.ts with esbuild (with the server bundles' options,
// scripts/server-bundle.mjs) into bench/.out/, then runs the bundle. Usage: node bench/run.mjs graphs
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { build } from 'esbuild';

import { SERVER_BUNDLE_OPTIONS } from '../scripts/server-bundle.mjs';

const name = process.argv[2];
const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, `${name ?? ''}.bench.ts`);
if (!name || !existsSync(entry)) {
  console.error(`usage: node bench/run.mjs <name>, where bench/<name>.bench.ts exists (got ${name ?? 'nothing'})`);
  process.exit(2);
}
const outfile = path.join(here, '.out', `${name}.bench.mjs`);

await build({
  ...SERVER_BUNDLE_OPTIONS,
  entryPoints: [entry],
  outfile,
  // Native modules load from node_modules.
  external: ['better-sqlite3', 'dockerode', '@playwright/test', 'playwright', 'playwright-core'],
});
await import(pathToFileURL(outfile).href);
