import type Docker from 'dockerode';

import { publishedPorts, toHealth } from './container-view';
import { COMPOSE_LABELS } from './labels';
import type { HealthState, PublishedPort } from './types';

/** The environment keys that say where Mastodon's web and streaming listen (puma.rb, streaming/index.js). */
export const LISTEN_ENV_KEYS = ['PORT', 'BIND', 'SOCKET'] as const;
export type ListenEnvKey = (typeof LISTEN_ENV_KEYS)[number];

/**
 * Where a container can be reached, from `docker inspect`: its network mode, its published ports, its address
 * on each network, and of its environment only PORT, BIND and SOCKET (never another value: the rest holds
 * Mastodon's secrets). The image's ENV is part of Config.Env, so BIND=0.0.0.0 of the official images is seen.
 */
export interface ListenFacts {
  id: string;
  name: string;
  service: string;
  running: boolean;
  health: HealthState;
  /** HostConfig.NetworkMode: host, none, bridge, default, a network name, or container:<id>. */
  networkMode: string;
  env: Partial<Record<ListenEnvKey, string>>;
  ports: PublishedPort[];
  /** Networks with the container's IPv4 address on each (empty while it is stopped), by name. */
  networks: Array<{ name: string; ip: string; aliases: string[] }>;
}

export function toListenFacts(info: Docker.ContainerInspectInfo): ListenFacts {
  const env: Partial<Record<ListenEnvKey, string>> = {};
  for (const entry of info.Config?.Env ?? []) {
    const equals = entry.indexOf('=');
    const key = entry.slice(0, equals);
    // The last assignment wins, as in the process's environment.
    if ((LISTEN_ENV_KEYS as readonly string[]).includes(key)) env[key as ListenEnvKey] = entry.slice(equals + 1);
  }
  const networks = Object.entries(info.NetworkSettings?.Networks ?? {})
    .map(([name, network]) => ({ name, ip: network.IPAddress ?? '', aliases: network.Aliases ?? [] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    service: info.Config?.Labels?.[COMPOSE_LABELS.service] ?? '',
    running: info.State.Running === true,
    health: toHealth(info.State.Health?.Status),
    networkMode: info.HostConfig?.NetworkMode ?? 'default',
    env,
    ports: publishedPorts(info),
    networks,
  };
}
