import 'server-only';

import { AppError } from '../errors';
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

const DEFAULT_TIMEOUT_MS = 90_000;

/**
 * Restarts one container and waits, on Docker's events (through the shared live topic, not by polling),
 * until it runs again and, when it has a health check, reports healthy.
 */
export async function restartProjectContainer(container: ContainerView, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ContainerView> {
  const previousStart = container.startedAt;
  let latest: ContainerView | undefined;
  let settle: (view: ContainerView) => void = () => undefined;
  const settled = new Promise<ContainerView>((resolve) => (settle = resolve));
  const isBack = (view: ContainerView) =>
    view.state === 'running' && view.startedAt !== previousStart && (view.health === 'healthy' || view.health === 'none');
  const unsubscribe = liveTopics().containers.subscribe((message: ContainersMessage) => {
    const views = message.type === 'snapshot' ? message.containers : message.type === 'container' ? [message.container] : [];
    for (const view of views) {
      if (view.id !== container.id) continue;
      latest = view;
      if (isBack(view)) settle(view);
    }
  });
  let timer: NodeJS.Timeout | undefined;
  try {
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
