import type { ContainerView } from '../docker/types';

/**
 * Mastodon's app container among the project's own: web, else sidekiq (both images carry tootctl and
 * name the Mastodon version in their tag; the separate streaming image of later releases does neither). Lowest compose number first.
 */
export function findAppContainer(containers: readonly ContainerView[], options: { running: boolean }): ContainerView | undefined {
  const pick = (service: string) =>
    containers
      .filter((c) => c.service === service && (!options.running || c.state === 'running'))
      .sort((a, b) => a.containerNumber - b.containerNumber)[0];
  return pick('web') ?? pick('sidekiq');
}
