/**
 * The production entry point (`npm start`, and the container image): parses the whole configuration
 * before anything listens, refuses a non-loopback address unless told so, then runs Next's standalone
 * server in this process. Bundled to dist/start.mjs by scripts/build-server.mjs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ConfigError, getConfig } from '../lib/config';

function main(): void {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  for (const warning of config.warnings) console.warn(`warning: ${warning}`);

  // From a checkout the standalone server sits in .next/standalone; in the image it is the app root.
  const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const standaloneServer = [path.join(appRoot, '.next/standalone/server.js'), path.join(appRoot, 'server.js')].find((file) =>
    existsSync(file),
  );
  if (!standaloneServer) {
    console.error(`Mastodash cannot start: no Next.js standalone server under ${appRoot}. Build first: npm run build`);
    process.exit(1);
  }
  // Next's standalone server reads these; they come from the validated configuration only.
  Object.assign(process.env, { HOSTNAME: config.server.host, PORT: String(config.server.port), NODE_ENV: 'production' });
  console.log(`Mastodash: compose project "${config.composeProject}", Docker at ${config.docker.display}`);
  console.log(`Mastodash: listening on http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${config.server.port}`);
  void import(pathToFileURL(standaloneServer).href);
}

main();
