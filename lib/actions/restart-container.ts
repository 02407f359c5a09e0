import 'server-only';

import { listProjectContainers } from '../docker/containers';
import { MASTODON_RESTART_ORDER, resolveProjectContainer, restartProjectContainer } from '../docker/restart';
import { AppError } from '../errors';
import { restartContainerSchema, restartMastodonSchema } from '../validations/containers';
import type { AdminActionSpec } from './admin-action';

type RestartResult = { containers: { name: string; startedAt?: string; health: string }[] };

export const restartContainerSpec: AdminActionSpec<typeof restartContainerSchema, RestartResult> = {
  action: 'container.restarted',
  schema: restartContainerSchema,
  recentLogin: true,
  target: (input) => input.container,
  auditParams: (input) => ({ container: input.container }),
  async run(input, { progress }) {
    const container = await resolveProjectContainer(input.container);
    const after = await restartProjectContainer(container, progress);
    return { containers: [{ name: after.name, startedAt: after.startedAt, health: after.health }] };
  },
};

/** web, then streaming, then sidekiq, each back and healthy before the next: a failure stops the sequence early. */
export const restartMastodonSpec: AdminActionSpec<typeof restartMastodonSchema, RestartResult> = {
  action: 'container.restarted',
  schema: restartMastodonSchema,
  recentLogin: true,
  target: () => 'mastodon (web, streaming, sidekiq)',
  auditParams: () => ({ services: [...MASTODON_RESTART_ORDER] }),
  async run(_input, { progress }) {
    const containers = await listProjectContainers();
    const ordered = MASTODON_RESTART_ORDER.flatMap((service) => containers.filter((c) => c.service === service));
    if (ordered.length === 0) throw new AppError('not_found', 'Nothing to restart', 'The project has no web, streaming or sidekiq container.');
    const restarted: RestartResult['containers'] = [];
    for (const container of ordered) {
      const after = await restartProjectContainer(container, progress);
      restarted.push({ name: after.name, startedAt: after.startedAt, health: after.health });
    }
    return { containers: restarted };
  },
};
