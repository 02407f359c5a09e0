import Docker from 'dockerode';

import { readTestbed } from './testbed';

/**
 * Test-only containers labelled as Docker Compose labels them, on the test bed's dockerd: a busybox shell
 * (the test bed's redis stand-in image) with Mastodon's restart policy, that either stays up or dies
 * right after a restart. Tests create them in a project of their own and remove them afterwards.
 */
export const testbedDocker = new Docker({ socketPath: readTestbed().dockerHost.replace(/^unix:\/\//, '') });

/** A line with a secret that a crashing container prints; a job must show it redacted. */
export const CRASH_SECRET = 'DB_PASS=crash-test-secret-4711';

/** Stays up; SIGKILL (the stop signal given below) stops it at once. */
export const STAY_UP = 'touch /tmp/started; exec sleep 100000';

/**
 * Stays up on its first start; every later start dies, the first of them after 12 lines (the last with
 * a secret), so that the log's last lines stay the same while the restart policy starts it again and again.
 */
export function crashOnRestart(death: 'oom' | 'exit137'): string {
  const lines = Array.from({ length: 11 }, (_, i) => `echo "streaming boot line ${i + 1}"`).join('; ');
  // awk doubles a string until the memory limit kills it: over 8 MiB within microseconds, so the OOM kill comes
  // before the health check can fail under a loaded machine (a copy through a pipe took seconds there). exec makes
  // it the container's main process, so its death is the container's.
  const die = death === 'oom' ? `exec awk 'BEGIN { s = "a"; while (1) s = s s }'` : 'exit 137';
  return (
    `if [ -e /tmp/started ]; then if [ ! -e /tmp/crashed ]; then touch /tmp/crashed;` +
    ` ${lines}; echo "${CRASH_SECRET}"; fi; ${die}; fi; ${STAY_UP}`
  );
}

export function composeName(project: string, service: string): string {
  return `${project}-${service}-1`;
}

/** Creates (or replaces) and starts one container of `project`, with a health check unless told otherwise. */
export async function createComposeContainer(
  project: string,
  service: string,
  command: string,
  options: { memoryBytes?: number; healthcheck?: boolean } = {},
): Promise<void> {
  const name = composeName(project, service);
  await testbedDocker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await testbedDocker.createContainer({
    name,
    Image: 'redis:7-alpine',
    Entrypoint: ['sh', '-c'],
    Cmd: [command],
    StopSignal: 'SIGKILL',
    Labels: {
      'com.docker.compose.project': project,
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
    },
    ...(options.healthcheck === false
      ? {}
      : {
          Healthcheck: {
            Test: ['CMD-SHELL', 'test -e /tmp/started'],
            Interval: 1_000_000_000,
            Timeout: 1_000_000_000,
            Retries: 3,
          },
        }),
    HostConfig: {
      NetworkMode: 'none',
      RestartPolicy: { Name: 'always' },
      ...(options.memoryBytes ? { Memory: options.memoryBytes, MemorySwap: options.memoryBytes } : {}),
    },
  });
  await container.start();
}

export async function removeComposeContainers(project: string, services: string[]): Promise<void> {
  await Promise.all(
    services.map((service) =>
      testbedDocker
        .getContainer(composeName(project, service))
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/** Waits until the container reports healthy (or, without a health check, runs). */
export async function waitUntilUp(project: string, service: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { State } = await testbedDocker.getContainer(composeName(project, service)).inspect();
    if (State.Health ? State.Health.Status === 'healthy' : State.Running) return;
    if (Date.now() > deadline)
      throw new Error(`${composeName(project, service)} did not come up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
