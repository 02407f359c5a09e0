import { execFile, spawn } from 'node:child_process';

import { readTestbed } from './testbed';

/** One Docker event as the follower saw it. */
export interface FollowedEvent {
  /** Docker's own time of the event, in milliseconds. */
  timeMs: number;
  project: string;
  container: string;
  action: string;
}

export interface DockerEventFollower {
  events(): FollowedEvent[];
  stop(): void;
}

/**
 * Follows `docker events` live on the test bed's dockerd. Asking afterwards with `--since` is not enough: dockerd
 * answers it from a ring of its last 256 events only, and the test bed's health checks fill that ring within
 * seconds, so an exec a test wants to count can already be gone.
 */
export function followDockerEvents(filters: string[]): DockerEventFollower {
  const testbed = readTestbed();
  const format =
    '{{.TimeNano}}\t{{index .Actor.Attributes "com.docker.compose.project"}}\t{{index' +
    ' .Actor.Attributes "name"}}\t{{.Action}}';
  const child = spawn('docker', ['events', ...filters.flatMap((filter) => ['--filter', filter]), '--format', format], {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen: FollowedEvent[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [time, project, container, ...action] = line.split('\t');
      seen.push({
        timeMs: Number(time) / 1e6,
        project: project ?? '',
        container: container ?? '',
        action: action.join('\t').trim(),
      });
    }
  });
  return { events: () => [...seen], stop: () => child.kill() };
}

/** Resolves once the follower has seen an event that `trigger` caused: from then on it misses nothing. */
export async function untilFollowing(
  follower: DockerEventFollower,
  trigger: () => Promise<unknown>,
  seenIt: (event: FollowedEvent) => boolean,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await trigger();
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (follower.events().some(seenIt)) return;
  }
  throw new Error('docker events did not report the test’s own exec within 15 s');
}

/** Follows one container's `events` (plus exec_create, to know when it listens), ready when it returns. */
export async function followContainer(container: string, events: string[]): Promise<DockerEventFollower> {
  const follower = followDockerEvents([
    `container=${container}`,
    'event=exec_create',
    ...events.map((event) => `event=${event}`),
  ]);
  const testbed = readTestbed();
  const ping = () =>
    new Promise<void>((resolve) => {
      execFile(
        'docker',
        ['exec', container, 'true'],
        { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } },
        () => resolve(),
      );
    });
  try {
    await untilFollowing(follower, ping, (event) => event.action === 'exec_create: true');
  } catch (error) {
    follower.stop();
    throw error;
  }
  return follower;
}

/** How many of `action` the follower has seen, once the last events had a moment to arrive; stops it. */
export async function countAndStop(follower: DockerEventFollower, action: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  follower.stop();
  return follower.events().filter((event) => event.action === action).length;
}
