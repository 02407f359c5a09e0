import 'server-only';

import { redactText } from '../audit/redact';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';
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

function describe(view: ContainerView): Text {
  if (view.state === 'exited' || view.state === 'dead')
    return view.exitCode !== undefined
      ? text('containers.steps.stoppedCode', { code: view.exitCode })
      : text('containers.steps.stopped');
  if (view.state !== 'running') return text(`containers.steps.${view.state}`);
  if (view.health === 'starting') return text('containers.steps.started');
  if (view.health === 'unhealthy') return text('containers.steps.unhealthy');
  if (view.health === 'healthy') return text('containers.steps.healthy');
  return text('containers.steps.noCheck');
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
  const oom = text(oomKilled ? 'containers.errors.died.oomYes' : 'containers.errors.died.oomNo');
  const lines =
    logs.status === 'fulfilled'
      ? logs.value.lines.map((line) => redactText(line.text, CRASH_LOG_LINE_CHARS))
      : [inEnglish(text('containers.errors.died.logUnreadable'))];
  const exited =
    exitCode === undefined
      ? text('containers.errors.died.detailUnknown', { oom })
      : text('containers.errors.died.detail', { code: exitCode, oom });
  const detail =
    view && view.state !== 'exited' && view.state !== 'dead'
      ? text('containers.errors.died.restartPolicy', { detail: exited, state: view.state })
      : exited;
  return new AppError(
    'upstream_failed',
    text('containers.errors.died.title', { name: container.name }),
    detail,
    oomKilled ? text('containers.errors.died.fixOom') : text('containers.errors.died.fixLogs'),
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
      const stateId = JSON.stringify(state);
      if (restarted && stateId !== lastReported) {
        lastReported = stateId;
        progress({ step: text('containers.steps.line', { name: container.name, state }) });
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
        fail(
          new AppError(
            'upstream_failed',
            text('containers.errors.unhealthy.title', { name: container.name }),
            view.lastProbe?.output
              ? text('containers.errors.unhealthy.detailProbe', {
                  code: view.lastProbe.exitCode,
                  output: view.lastProbe.output,
                })
              : text('containers.errors.unhealthy.detail'),
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
      const died =
        death.exitCode === undefined
          ? text(death.oom ? 'containers.steps.diedUnknownOom' : 'containers.steps.diedUnknown')
          : text(death.oom ? 'containers.steps.diedOom' : 'containers.steps.died', { code: death.exitCode });
      progress({ step: text('containers.steps.line', { name: container.name, state: died }) });
      void deathError(container, death).then(fail);
    });
    deathWatch = watch.subscription;
    progress({
      step: text('containers.steps.line', { name: container.name, state: text('containers.steps.stopping') }),
    });
    await dockerCalls().getContainer(container.id).restart({ t: 10 });
    watch.restarted();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waitingFor =
          latest?.state === 'running'
            ? text('containers.errors.restartTimeout.toTurnHealthy', { name: container.name })
            : text('containers.errors.restartTimeout.toRunAgain', { name: container.name });
        const seconds = Math.round(timeoutMs / 1000);
        const output = latest?.lastProbe?.output;
        reject(
          new AppError(
            'timeout',
            text('containers.errors.restartTimeout.title'),
            output
              ? text('containers.errors.restartTimeout.detailProbe', { seconds, waitingFor, output })
              : text('containers.errors.restartTimeout.detail', { seconds, waitingFor }),
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
