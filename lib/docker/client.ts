import 'server-only';

import Docker from 'dockerode';

import { getConfig } from '../config';
import { dropProcessSingleton, processSingleton } from '../process/singleton';

function createClient(timeoutMs: number | undefined): Docker {
  const { docker } = getConfig();
  const options: Docker.DockerOptions =
    docker.kind === 'socket'
      ? { socketPath: docker.socketPath }
      : { protocol: docker.protocol, host: docker.host, port: docker.port };
  return new Docker(timeoutMs === undefined ? options : { ...options, timeout: timeoutMs });
}

/** Client for request/response calls: each one times out after DOCKER_TIMEOUT_MS. */
function clients(): { calls: Docker; streams: Docker } {
  return processSingleton('docker.clients', () => ({
    calls: createClient(getConfig().docker.timeoutMs),
    streams: createClient(undefined),
  }));
}

export function dockerCalls(): Docker {
  return clients().calls;
}

/** Client for long-lived streams (events, logs): an idle stream is healthy, so no socket timeout. */
export function dockerStreams(): Docker {
  return clients().streams;
}

/** The clients are made once per process for one endpoint; tests that switch DOCKER_HOST drop them. */
export function resetDockerClientsForTesting(): void {
  dropProcessSingleton('docker.clients');
}
