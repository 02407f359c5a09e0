import 'server-only';

import { resolveProjectContainer, restartProjectContainer } from '../docker/restart';
import { restartContainerSchema } from '../validations/containers';
import type { AdminActionSpec } from './admin-action';

export const restartContainerSpec: AdminActionSpec<typeof restartContainerSchema, { name: string; startedAt?: string; health: string }> = {
  action: 'container.restarted',
  schema: restartContainerSchema,
  recentLogin: true,
  target: (input) => input.container,
  auditParams: (input) => ({ container: input.container }),
  async run(input) {
    const container = await resolveProjectContainer(input.container);
    const after = await restartProjectContainer(container);
    return { name: after.name, startedAt: after.startedAt, health: after.health };
  },
};
