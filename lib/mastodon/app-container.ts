import { APP_SERVICES } from '../docker/exec-programs';
import type { ContainerView } from '../docker/types';

/**
 * Mastodon's app container among the project's own: web, else sidekiq (both images carry tootctl and
 * name the Mastodon version in their tag; the separate streaming image of later releases does
 * neither). Lowest compose number first. These are APP_SERVICES, the services the socket proxy lets the
 * dashboard run Mastodon's commands in.
 */
export function findAppContainer(
  containers: readonly ContainerView[],
  options: { running: boolean },
): ContainerView | undefined {
  const pick = (service: string) =>
    containers
      .filter((c) => c.service === service && (!options.running || c.state === 'running'))
      .sort((a, b) => a.containerNumber - b.containerNumber)[0];
  for (const service of APP_SERVICES) {
    const found = pick(service);
    if (found) return found;
  }
  return undefined;
}
