import { z } from 'zod';

import { DASHBOARD_KEYS } from '../config/keys';

export interface SocketProxyConfig {
  project: string;
  upstreamSocket: string;
  listenPath: string;
}

/** Where the proxy listens when SOCKET_PROXY_PATH is unset: the volume it shares with the dashboard. */
export const DEFAULT_SOCKET_PROXY_PATH = '/run/mastodash-proxy/docker.sock';

const schema = z.object({
  COMPOSE_PROJECT: DASHBOARD_KEYS.COMPOSE_PROJECT.schema.default(DASHBOARD_KEYS.COMPOSE_PROJECT.defaultValue),
  DOCKER_HOST: z
    .string()
    .trim()
    .regex(/^unix:\/\/\/\S+$/, 'must be unix:///path/to/docker.sock (the proxy reaches Docker through its socket)')
    .default(DASHBOARD_KEYS.DOCKER_HOST.defaultValue),
  SOCKET_PROXY_PATH: z
    .string()
    .trim()
    .regex(/^\/\S+$/, 'must be an absolute path for the proxy socket')
    .default(DEFAULT_SOCKET_PROXY_PATH),
});

/** The socket proxy's settings (the `node dist/socket-proxy.mjs` command), from its environment. */
export function loadSocketProxyConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SocketProxyConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Mastodash socket proxy cannot start:\n${lines.join('\n')}`);
  }
  return {
    project: result.data.COMPOSE_PROJECT as string,
    upstreamSocket: result.data.DOCKER_HOST.slice('unix://'.length),
    listenPath: result.data.SOCKET_PROXY_PATH,
  };
}
