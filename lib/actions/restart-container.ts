import 'server-only';

import { listProjectContainers, resolveProjectContainer } from '../docker/containers';
import { MASTODON_RESTART_ORDER, restartProjectContainer } from '../docker/restart';
import type { ContainerView } from '../docker/types';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { watchProjectContainers } from '../live';
import { restartContainerSchema, restartMastodonSchema } from '../validations/containers';
import type { AdminActionSpec } from './action-runner';

type RestartResult = { containers: { name: string; startedAt?: string; health: string }[] };

/**
 * Restart locks are held per container id: a name and an id of one container are one lock, and so are both
 * restart actions.
 */
function containerLockKey(container: ContainerView): string {
  return `container:${container.id}`;
}

async function mastodonContainers(): Promise<ContainerView[]> {
  const containers = await listProjectContainers();
  return MASTODON_RESTART_ORDER.flatMap((service) => containers.filter((c) => c.service === service));
}

export const restartContainerSpec: AdminActionSpec<typeof restartContainerSchema, RestartResult> = {
  action: 'container.restarted',
  schema: restartContainerSchema,
  recentLogin: true,
  target: (input) => input.container,
  lockKeys: async (input) => [containerLockKey(await resolveProjectContainer(input.container))],
  auditParams: (input) => ({ container: input.container }),
  async run(input, { progress }) {
    const container = await resolveProjectContainer(input.container);
    const after = await restartProjectContainer(container, watchProjectContainers, progress);
    return { containers: [{ name: after.name, startedAt: after.startedAt, health: after.health }] };
  },
};

/** web, then streaming, then sidekiq, each back and healthy before the next: a failure stops the sequence there. */
export const restartMastodonSpec: AdminActionSpec<typeof restartMastodonSchema, RestartResult> = {
  action: 'container.restarted',
  schema: restartMastodonSchema,
  recentLogin: true,
  target: () => 'mastodon (web, streaming, sidekiq)',
  lockKeys: async () => (await mastodonContainers()).map(containerLockKey),
  auditParams: () => ({ services: [...MASTODON_RESTART_ORDER] }),
  async run(_input, { progress }) {
    const ordered = await mastodonContainers();
    if (ordered.length === 0)
      throw new AppError(
        'not_found',
        text('containers.errors.nothingToRestart.title'),
        text('containers.errors.nothingToRestart.detail'),
      );
    const restarted: RestartResult['containers'] = [];
    for (const [index, container] of ordered.entries()) {
      try {
        const after = await restartProjectContainer(container, watchProjectContainers, progress);
        restarted.push({ name: after.name, startedAt: after.startedAt, health: after.health });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const done =
          restarted.length > 0
            ? text('containers.errors.mastodonStopped.done', { names: restarted.map((c) => c.name).join(', ') })
            : '';
        const skipped = ordered.slice(index + 1).map((c) => c.name);
        const notDone =
          skipped.length > 0
            ? text('containers.errors.mastodonStopped.notDone', { names: skipped.join(', ') })
            : text('containers.errors.mastodonStopped.last');
        throw new AppError(
          error.code,
          text('containers.errors.mastodonStopped.title', { service: container.service, name: container.name }),
          text('containers.errors.mastodonStopped.detail', {
            title: error.title,
            detail: error.detail,
            done,
            notDone,
          }),
          error.fix,
          error.logLines,
        );
      }
    }
    return { containers: restarted };
  },
};
