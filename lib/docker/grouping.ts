import type { ContainerView, ServiceGroup } from './types';

/** Groups by compose service: services in name order, containers by their compose number. */
export function groupByService(containers: Iterable<ContainerView>): ServiceGroup[] {
  const groups = new Map<string, ContainerView[]>();
  for (const container of containers) groups.set(container.service, [...(groups.get(container.service) ?? []), container]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, list]) => ({
      service,
      containers: list.sort((a, b) => a.containerNumber - b.containerNumber || a.name.localeCompare(b.name)),
    }));
}
