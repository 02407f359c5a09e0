import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';
import type { JobProgress } from '../jobs/types';
import { liveTopics } from '../live';
import type { ContainersMessage } from '../live/messages';
import { dockerCalls } from './client';
import { listProjectContainers } from './containers';
import type { ContainerView } from './types';

/** The project's container with this name or id; anything else is refused, whatever the browser sent. */
export async function resolveProjectContainer(ref: string): Promise<ContainerView> {
  const containers = await listProjectContainers();
  const found = containers.find((c) => c.name === ref || c.id === ref);
  if (!found) throw new AppError('not_found', 'No such container', `${ref} is not a container of this compose project.`);
  return found;
}

function describe(view: ContainerView): string {
  if (view.state === 'exited' || view.state === 'dead') return `stopped${view.exitCode !== undefined ? ` (exit code ${view.exitCode})` : ''}`;
  if (view.state !== 'running') return view.state;
  if (view.health === 'starting') return 'started; health check starting';
  if (view.health === 'unhealthy') return 'running but unhealthy';
  if (view.health === 'healthy') return 'healthy';
  return 'running (no health check)';
}

/**
 * Restarts one container and follows it on Docker's events (the shared live topic, not polling):
 * stopping, stopped, started, health starting, healthy; or a timeout naming what it waited for, with
 * the last health-probe output.
 */
export async function restartProjectContainer(
  container: ContainerView,
  progress: JobProgress = () => undefined,
  timeoutMs = getConfig().docker.restartTimeoutMs,
): Promise<ContainerView> {
  const previousStart = container.startedAt;
  let latest: ContainerView | undefined;
  let lastReported = '';
  let settle: (view: ContainerView) => void = () => undefined;
  let fail: (error: AppError) => void = () => undefined;
  const settled = new Promise<ContainerView>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const isBack = (view: ContainerView) =>
    view.state === 'running' && view.startedAt !== previousStart && (view.health === 'healthy' || view.health === 'none');
  const unsubscribe = liveTopics().containers.subscribe((message: ContainersMessage) => {
    const views = message.type === 'snapshot' ? message.containers : message.type === 'container' ? [message.container] : [];
    for (const view of views) {
      if (view.id !== container.id) continue;
      latest = view;
      const restarted = view.startedAt !== previousStart || view.state !== 'running';
      const state = describe(view);
      if (restarted && state !== lastReported) {
        lastReported = state;
        progress({ step: `${container.name}: ${state}` });
      }
      if (isBack(view)) settle(view);
      // Docker says unhealthy only after its retries failed: a verdict, not a blip, so do not wait out the timeout.
      if (view.state === 'running' && view.startedAt !== previousStart && view.health === 'unhealthy') {
        const probe = view.lastProbe?.output ? ` Last health check (exit ${view.lastProbe.exitCode}): ${view.lastProbe.output}` : '';
        fail(new AppError('upstream_failed', `${container.name} is unhealthy after the restart`, `It runs again but fails its health check.${probe}`));
      }
    }
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    progress({ step: `${container.name}: stopping` });
    await dockerCalls().getContainer(container.id).restart({ t: 10 });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waitingFor = latest?.state === 'running' ? `${container.name} to turn healthy` : `${container.name} to run again`;
        const probe = latest?.lastProbe?.output ? ` Last health check: ${latest.lastProbe.output}` : '';
        reject(new AppError('timeout', 'Restart did not finish', `Waited ${Math.round(timeoutMs / 1000)} s for ${waitingFor}.${probe}`));
      }, timeoutMs);
    });
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}

/** The order "restart Mastodon" takes: the app first, one at a time, each healthy before the next. */
export const MASTODON_RESTART_ORDER = ['web', 'streaming', 'sidekiq'] as const;
