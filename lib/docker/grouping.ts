import type { ContainerView, ServiceGroup } from './types';

/** Mastodon's services in the order an admin reads them: the app first, then what it depends on. */
export const SERVICE_ORDER = ['web', 'streaming', 'sidekiq', 'db', 'redis', 'es'];

function serviceRank(service: string): number {
  const rank = SERVICE_ORDER.indexOf(service);
  return rank === -1 ? SERVICE_ORDER.length : rank;
}

/** Groups by compose service: Mastodon's own services in their usual order, others by name; containers by number. */
export function groupByService(containers: Iterable<ContainerView>): ServiceGroup[] {
  const groups = new Map<string, ContainerView[]>();
  for (const container of containers)
    groups.set(container.service, [...(groups.get(container.service) ?? []), container]);
  return [...groups.entries()]
    .sort(([a], [b]) => serviceRank(a) - serviceRank(b) || a.localeCompare(b))
    .map(([service, list]) => ({
      service,
      containers: list.sort((a, b) => a.containerNumber - b.containerNumber || a.name.localeCompare(b.name)),
    }));
}
