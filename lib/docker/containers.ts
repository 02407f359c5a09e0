import 'server-only';

import { hostname } from 'node:os';

import type Docker from 'dockerode';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { dockerCalls } from './client';
import { toContainerView } from './container-view';
import { dockerUnavailable } from './errors';
import { COMPOSE_LABELS, projectFilter } from './labels';
import { toListenFacts, type ListenFacts } from './listen-facts';
import type { ContainerView } from './types';

async function call<T>(work: (docker: Docker) => Promise<T>): Promise<T> {
  try {
    return await work(dockerCalls());
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw error;
    throw dockerUnavailable(error, getConfig().docker);
  }
}

/**
 * Inspects one container and shapes it with `view` when it is the project's; undefined when it is gone or
 * another project's.
 */
async function inspectIfProjects<View>(
  id: string,
  view: (info: Docker.ContainerInspectInfo) => View,
): Promise<View | undefined> {
  const project = getConfig().composeProject;
  try {
    const info = await call((docker) => docker.getContainer(id).inspect());
    return info.Config?.Labels?.[COMPOSE_LABELS.project] === project ? view(info) : undefined;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** Inspects one container of the project; undefined when it is gone or belongs to another project. */
export async function inspectProjectContainer(id: string): Promise<ContainerView | undefined> {
  return inspectIfProjects(id, toContainerView);
}

/** Every container of the compose project, stopped ones included, found by label. */
export async function listProjectContainers(): Promise<ContainerView[]> {
  const project = getConfig().composeProject;
  const summaries = await call((docker) => docker.listContainers({ all: true, filters: projectFilter(project) }));
  const views = await Promise.all(summaries.map((summary) => inspectProjectContainer(summary.Id)));
  return views.filter((view): view is ContainerView => view !== undefined);
}

/**
 * Where a container of the project listens (network mode, ports, addresses, PORT/BIND); undefined when it
 * is gone or not the project's.
 */
export async function inspectListenFacts(id: string): Promise<ListenFacts | undefined> {
  return inspectIfProjects(id, toListenFacts);
}

/**
 * The dashboard's own container, when it runs in one that this Docker manages: Docker makes a container's host
 * name the start of its id, so the host name finds it. Undefined on the host (or under a custom hostname:).
 */
export async function inspectOwnContainer(): Promise<ListenFacts | undefined> {
  const name = hostname();
  if (!/^[0-9a-f]{12,64}$/.test(name)) return undefined;
  try {
    const info = await call((docker) => docker.getContainer(name).inspect());
    return info.Id.startsWith(name) && info.Config?.Hostname === name ? toListenFacts(info) : undefined;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** The project's container with this name or id; anything else is refused, whatever the browser sent. */
export async function resolveProjectContainer(ref: string): Promise<ContainerView> {
  const containers = await listProjectContainers();
  const found = containers.find((c) => c.name === ref || c.id === ref);
  if (!found)
    throw new AppError(
      'not_found',
      text('containers.errors.notFound.title'),
      text('containers.errors.notFound.detail', { ref }),
    );
  return found;
}
