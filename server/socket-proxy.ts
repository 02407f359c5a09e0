/**
 * The Docker socket proxy (`node dist/socket-proxy.mjs`, the image's second command): listens on a Unix
 * socket in a volume shared only with the dashboard and forwards what lib/socket-proxy/policy.ts allows
 * to Docker's socket. Bundled by scripts/build-server.mjs.
 */
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';

import { loadSocketProxyConfig } from '../lib/socket-proxy/config';
import { createSocketProxy } from '../lib/socket-proxy/server';

let config: ReturnType<typeof loadSocketProxyConfig>;
try {
  config = loadSocketProxyConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(78);
}

// A socket left by a previous run would make listen fail with EADDRINUSE.
if (existsSync(config.listenPath) && lstatSync(config.listenPath).isSocket()) unlinkSync(config.listenPath);

const server = createSocketProxy({
  upstreamSocket: config.upstreamSocket,
  project: config.project,
  onRefused: (method, path, reason) => console.warn(`refused ${method} ${path}: ${reason}`),
});
server.on('error', (error) => {
  console.error(`Mastodash socket proxy cannot listen on ${config.listenPath}: ${error.message}`);
  process.exit(1);
});
server.listen(config.listenPath, () => {
  // Only the dashboard's user (the same uid in both containers) may connect.
  chmodSync(config.listenPath, 0o600);
  console.log(`Mastodash socket proxy: ${config.listenPath} -> ${config.upstreamSocket}, project ${config.project}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
