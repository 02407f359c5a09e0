import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createSocketProxy } from '@/lib/socket-proxy/server';
import { readTestbed } from './testbed';

/** Collapses ids so that calls group by kind: GET /containers/<id>/json. */
export function callKind(method: string, callPath: string): string {
  const bare = callPath.split('?')[0]?.replace(/^\/v\d+\.\d+/, '') ?? '';
  return `${method} ${bare.replace(/\/(containers|exec)\/(?!json$)[^/]+/, '/$1/<id>')}`;
}

export interface CountingProxy {
  /** DOCKER_HOST for a server whose Docker calls should be counted. */
  dockerHost: string;
  /** Every call forwarded to the test bed's dockerd so far, by kind (callKind), the proxy's own lookups included. */
  calls: string[];
  close(): void;
}

/**
 * The socket proxy (lib/socket-proxy) for the test bed's project, listening on a fresh Unix socket and
 * recording every call it forwards: how the benchmarks and tests count a server's Docker calls.
 */
export async function startCountingProxy(
  onRefused?: (method: string, callPath: string, reason: string) => void,
): Promise<CountingProxy> {
  const testbed = readTestbed();
  const dir = mkdtempSync(path.join(tmpdir(), 'mastodash-counting-proxy-'));
  const socket = path.join(dir, 'docker.sock');
  const calls: string[] = [];
  const proxy = createSocketProxy({
    upstreamSocket: testbed.dockerHost.replace(/^unix:\/\//, ''),
    project: testbed.project,
    onForwarded: (method, callPath) => calls.push(callKind(method, callPath)),
    ...(onRefused ? { onRefused } : {}),
  });
  await new Promise<void>((resolve) => proxy.listen(socket, resolve));
  return {
    dockerHost: `unix://${socket}`,
    calls,
    close() {
      proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
