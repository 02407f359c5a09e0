import 'server-only';

import { redactText } from '../audit/redact';
import { getConfig } from '../config';
import { AppError } from '../errors';
import type { JobProgress } from '../jobs/types';
import { dockerCalls } from './client';
import type { ContainerWatcher } from './container-watch';
import { inspectProjectContainer } from './containers';
import { followProjectEvents, type EventSubscription } from './events';
import { recentLogLines } from './logs';
import { judgeDeaths, type Death } from './restart-death';
import type { ContainerView } from './types';

export { resolveProjectContainer } from './containers';

/** Log lines a failed restart shows, and how long each may be. */
const CRASH_LOG_LINES = 10;
const CRASH_LOG_LINE_CHARS = 300;
/** A container without a health check counts as back once it has stayed up this long. */
const STAY_UP_MS = 2_000;

function describe(view: ContainerView): string {
  if (view.state === 'exited' || view.state === 'dead')
    return `stopped${view.exitCode !== undefined ? ` (exit code ${view.exitCode})` : ''}`;
  if (view.state !== 'running') return view.state;
  if (view.health === 'starting') return 'started; health check starting';
  if (view.health === 'unhealthy') return 'running but unhealthy';
  if (view.health === 'healthy') return 'healthy';
  return 'running (no health check)';
}

/** Follows one container's own Docker events during a restart and judges its deaths (restart-death.ts). */
async function watchForDeath(
  container: ContainerView,
  onDeath: (death: Death) => void,
): Promise<{ subscription: EventSubscription; restarted: () => void }> {
  const judge = judgeDeaths(container.id, onDeath);
  const subscription = await followProjectEvents(getConfig().composeProject, judge.onEvent, () => undefined, {
    container: container.id,
  });
  return { subscription, restarted: judge.restarted };
}

/** The failure of a container that died after its restart: exit code, OOMKilled and its last lines, redacted. */
async function deathError(container: ContainerView, death: Death): Promise<AppError> {
  const [inspected, logs] = await Promise.allSettled([
    inspectProjectContainer(container.id),
    recentLogLines(container.id, { tail: CRASH_LOG_LINES }),
  ]);
  const view = inspected.status === 'fulfilled' ? inspected.value : undefined;
  const oomKilled = death.oom || view?.oomKilled === true;
  const exitCode = death.exitCode ?? view?.exitCode;
  const exit = exitCode === undefined ? 'an unknown exit code' : `exit code ${exitCode}`;
  const lines =
    logs.status === 'fulfilled'
      ? logs.value.lines.map((line) => redactText(line.text, CRASH_LOG_LINE_CHARS))
      : ['(its log could not be read)'];
  const restartPolicy =
    view && view.state !== 'exited' && view.state !== 'dead'
      ? ` Docker now shows it ${view.state} (its restart policy starts it again).`
      : '';
  return new AppError(
    'upstream_failed',
    `${container.name} died after the restart`,
    `It started, then stopped with ${exit}; OOMKilled: ${oomKilled ? 'yes' : 'no'}.${restartPolicy}`,
    oomKilled
      ? 'Docker killed it for lack of memory: raise its memory limit (mem_limit or ' +
          'deploy.resources.limits.memory) or free memory on the server.'
      : 'Its last log lines are below; the logs page shows more.',
    lines,
  );
}

/**
 * Restarts one container and follows it with `watch` (Docker's events on the shared containers topic,
 * lib/live/index.ts `watchProjectContainers`; not polling):
 * stopping, stopped, started, health starting, healthy; or a timeout naming what it waited for, with
 * the last health-probe output. A container that dies after the restart started it ends the wait at
 * once, with its exit code, OOMKilled and last log lines (its own events say so, with the exit code,
 * even when its restart policy has started it again before the views could show it stopped).
 */
export async function restartProjectContainer(
  container: ContainerView,
  watch: ContainerWatcher,
  progress: JobProgress = () => undefined,
  timeoutMs = getConfig().docker.restartTimeoutMs,
): Promise<ContainerView> {
  const previousStart = container.startedAt;
  let latest: ContainerView | undefined;
  let lastReported = '';
  let finished = false;
  let settle: (view: ContainerView) => void = () => undefined;
  let fail: (error: AppError) => void = () => undefined;
  const settled = new Promise<ContainerView>((resolve, reject) => {
    settle = (view) => {
      finished = true;
      resolve(view);
    };
    fail = (error) => {
      finished = true;
      reject(error);
    };
  });
  let stayUpTimer: NodeJS.Timeout | undefined;
  const isRunningAgain = (view: ContainerView) => view.state === 'running' && view.startedAt !== previousStart;
  const unsubscribe = watch((views) => {
    for (const view of views) {
      if (view.id !== container.id || finished) continue;
      latest = view;
      const restarted = view.startedAt !== previousStart || view.state !== 'running';
      const state = describe(view);
      if (restarted && state !== lastReported) {
        lastReported = state;
        progress({ step: `${container.name}: ${state}` });
      }
      if (isRunningAgain(view) && view.health === 'healthy') settle(view);
      // Without a health check, running is all Docker can say; a moment up tells a start from a crash loop.
      if (isRunningAgain(view) && view.health === 'none') {
        clearTimeout(stayUpTimer);
        stayUpTimer = setTimeout(() => {
          if (latest && isRunningAgain(latest) && latest.health === 'none') settle(latest);
        }, STAY_UP_MS);
      }
      // Docker says unhealthy only after its retries failed: a verdict, not a blip, so do not wait out the timeout.
      if (isRunningAgain(view) && view.health === 'unhealthy') {
        const probe = view.lastProbe?.output
          ? ` Last health check (exit ${view.lastProbe.exitCode}): ${view.lastProbe.output}`
          : '';
        fail(
          new AppError(
            'upstream_failed',
            `${container.name} is unhealthy after the restart`,
            `It runs again but fails its health check.${probe}`,
          ),
        );
      }
    }
  });
  let timer: NodeJS.Timeout | undefined;
  let deathWatch: EventSubscription | undefined;
  try {
    const watch = await watchForDeath(container, (death) => {
      if (finished) return;
      finished = true;
      const oom = death.oom ? ', OOMKilled' : '';
      progress({ step: `${container.name}: died after the restart (exit code ${death.exitCode ?? 'unknown'}${oom})` });
      void deathError(container, death).then(fail);
    });
    deathWatch = watch.subscription;
    progress({ step: `${container.name}: stopping` });
    await dockerCalls().getContainer(container.id).restart({ t: 10 });
    watch.restarted();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waitingFor =
          latest?.state === 'running' ? `${container.name} to turn healthy` : `${container.name} to run again`;
        const probe = latest?.lastProbe?.output ? ` Last health check: ${latest.lastProbe.output}` : '';
        reject(
          new AppError(
            'timeout',
            'Restart did not finish',
            `Waited ${Math.round(timeoutMs / 1000)} s for ${waitingFor}.${probe}`,
          ),
        );
      }, timeoutMs);
    });
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
    clearTimeout(stayUpTimer);
    deathWatch?.close();
    unsubscribe();
  }
}

/** The order "restart Mastodon" takes: the app first, one at a time, each healthy before the next. */
export const MASTODON_RESTART_ORDER = ['web', 'streaming', 'sidekiq'] as const;
