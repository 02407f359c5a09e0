import 'server-only';

import Docker from 'dockerode';

import { getConfig } from '../config';

const CLIENTS = Symbol.for('mastodash.docker.clients');
type ClientHolder = { [CLIENTS]?: { calls: Docker; streams: Docker } };

function createClient(timeoutMs: number | undefined): Docker {
  const { docker } = getConfig();
  const options: Docker.DockerOptions =
    docker.kind === 'socket'
      ? { socketPath: docker.socketPath }
      : { protocol: docker.protocol, host: docker.host, port: docker.port };
  return new Docker(timeoutMs === undefined ? options : { ...options, timeout: timeoutMs });
}

/** Client for request/response calls: each one times out after DOCKER_TIMEOUT_MS. */
export function dockerCalls(): Docker {
  const holder = globalThis as ClientHolder;
  holder[CLIENTS] ??= { calls: createClient(getConfig().docker.timeoutMs), streams: createClient(undefined) };
  return holder[CLIENTS].calls;
}

/** Client for long-lived streams (events, logs): an idle stream is healthy, so no socket timeout. */
export function dockerStreams(): Docker {
  dockerCalls();
  return (globalThis as ClientHolder)[CLIENTS]!.streams;
}

/** The clients are made once per process for one endpoint; tests that switch DOCKER_HOST drop them. */
export function resetDockerClientsForTesting(): void {
  (globalThis as ClientHolder)[CLIENTS] = undefined;
}
