import 'server-only';

import { hostname } from 'node:os';

import type Docker from 'dockerode';

import { getConfig } from '../config';
import { dockerCalls } from './client';
import { dockerUnavailable } from './errors';
import { COMPOSE_LABELS } from './labels';

/**
 * A container's mounts as Docker reports them: where each is inside the container and what it is on the host. Only
 * these fields leave lib/docker (inspect data also holds the environment, with Mastodon's secrets).
 */
export interface MountView {
  type: string;
  /** The host path (a bind's folder, a named volume's _data directory); empty when Docker does not say. */
  source: string;
  destination: string;
}

function toMounts(info: Docker.ContainerInspectInfo): MountView[] {
  return (info.Mounts ?? []).map((mount) => ({
    type: mount.Type ?? '',
    source: mount.Source ?? '',
    destination: mount.Destination ?? '',
  }));
}

async function inspect(id: string): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await dockerCalls().getContainer(id).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw dockerUnavailable(error, getConfig().docker);
  }
}

/** The mounts of one of the project's containers; undefined when it is gone or another project's. */
export async function projectContainerMounts(id: string): Promise<MountView[] | undefined> {
  const info = await inspect(id);
  if (!info || info.Config?.Labels?.[COMPOSE_LABELS.project] !== getConfig().composeProject) return undefined;
  return toMounts(info);
}

/**
 * The mounts of the dashboard's own container, when it runs in one this Docker manages (its host name is the start
 * of its id, as in lib/docker/containers.ts); undefined on the host.
 */
export async function ownContainerMounts(): Promise<MountView[] | undefined> {
  const name = hostname();
  if (!/^[0-9a-f]{12,64}$/.test(name)) return undefined;
  const info = await inspect(name);
  return info && info.Id.startsWith(name) && info.Config?.Hostname === name ? toMounts(info) : undefined;
}
