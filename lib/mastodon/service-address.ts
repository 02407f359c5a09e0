/**
 * Where Mastodon's web and streaming answer, found from their containers when MASTODON_WEB_URL and
 * MASTODON_STREAMING_URL are unset. Pure: works on ListenFacts (docker inspect, reduced). Puma binds
 * tcp://BIND:PORT (config/puma.rb) and streaming listens on PORT and BIND (streaming/index.js), both defaulting
 * to 127.0.0.1; web's PORT defaults to 3000, streaming's to 4000 (its image sets PORT=4000, both images BIND=0.0.0.0).
 */
import { isIP } from 'node:net';

import type { ListenFacts } from '../docker/listen-facts';

export type ProbedService = 'web' | 'streaming';

export const PROBED_SERVICES: Record<
  ProbedService,
  { key: 'MASTODON_WEB_URL' | 'MASTODON_STREAMING_URL'; defaultPort: number; healthPath: string }
> = {
  web: { key: 'MASTODON_WEB_URL', defaultPort: 3000, healthPath: '/health' },
  streaming: { key: 'MASTODON_STREAMING_URL', defaultPort: 4000, healthPath: '/api/v1/streaming/health' },
};

export type AddressSource =
  'configured' | 'host-network' | 'published-port' | 'bridge-address' | 'service-name' | 'default';

export interface ServiceAddress {
  /** Base URL without a trailing slash. */
  baseUrl: string;
  source: AddressSource;
  /** How the address was found, in words, for the panel. */
  how: string;
}

/** What the container's own settings say it listens on. */
export interface ListenSetting {
  port: number;
  portFrom: string;
  /** BIND without URI brackets. */
  bind: string;
  bindFrom: string;
}

export function listenSetting(service: ProbedService, facts: Pick<ListenFacts, 'env'>): ListenSetting {
  const { defaultPort } = PROBED_SERVICES[service];
  const rawPort = facts.env.PORT?.trim();
  const port =
    rawPort && /^\d{1,5}$/.test(rawPort) && Number(rawPort) > 0 && Number(rawPort) < 65536
      ? Number(rawPort)
      : defaultPort;
  const rawBind = facts.env.BIND?.trim();
  const bind = rawBind ? rawBind.replace(/^\[(.*)\]$/, '$1') : '127.0.0.1';
  return {
    port,
    portFrom: port === Number(rawPort) ? `PORT=${port}` : `PORT unset, so ${defaultPort}`,
    bind,
    bindFrom: rawBind ? `BIND=${rawBind}` : 'BIND unset, so 127.0.0.1',
  };
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '*']);

/** The address to connect to for a listening address: a wildcard is reached on loopback. */
function connectHost(address: string): string {
  if (WILDCARDS.has(address)) return address === '::' ? '[::1]' : '127.0.0.1';
  return isIP(address) === 6 ? `[${address}]` : address;
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}

/** Of a container's networks, the one to reach it on: compose's external network before the internal one. */
function pickNetwork(networks: ListenFacts['networks']): ListenFacts['networks'][number] | undefined {
  const reachable = networks.filter((network) => network.ip !== '');
  return reachable.find((network) => !/internal/i.test(network.name)) ?? reachable[0];
}

/**
 * The address to probe, from the container: with the dashboard in a container of its own on a network it
 * shares with the service, the service name; on the host network, BIND and PORT; a published port, the
 * published address; on a bridge network without one, the container's address there and its PORT.
 */
export function discoverAddress(
  service: ProbedService,
  facts: ListenFacts | undefined,
  own?: Pick<ListenFacts, 'name' | 'networkMode' | 'networks'>,
): ServiceAddress {
  const { defaultPort } = PROBED_SERVICES[service];
  const fallback = (why: string): ServiceAddress => ({
    baseUrl: `http://127.0.0.1:${defaultPort}`,
    source: 'default',
    how: `${why}; probing the official layout's 127.0.0.1:${defaultPort}`,
  });
  if (!facts) return fallback(`no ${service} container in the project`);
  if (facts.env.SOCKET)
    return fallback(`${facts.name} listens on the unix socket in its SOCKET, which the dashboard cannot reach`);
  const setting = listenSetting(service, facts);
  const hostNetwork = facts.networkMode === 'host';

  if (own && own.networkMode !== 'host' && !hostNetwork) {
    const ownNetworks = new Set(own.networks.map((network) => network.name));
    const shared = facts.networks.find((network) => ownNetworks.has(network.name));
    if (shared) {
      return {
        baseUrl: `http://${facts.service || service}:${setting.port}`,
        source: 'service-name',
        how:
          `the dashboard runs in the container ${own.name}, which shares the network` +
          ` ${shared.name} with ${facts.name}: its service name, ${setting.portFrom}`,
      };
    }
  }
  if (hostNetwork) {
    return {
      baseUrl: `http://${connectHost(setting.bind)}:${setting.port}`,
      source: 'host-network',
      how: `${facts.name} uses the host network: ${setting.bindFrom}, ${setting.portFrom} in its environment`,
    };
  }
  const published = facts.ports
    .filter((port) => port.containerPort === setting.port && port.protocol === 'tcp')
    .sort(
      (a, b) => Number(isIP(b.hostIp) === 4 || b.hostIp === '') - Number(isIP(a.hostIp) === 4 || a.hostIp === ''),
    )[0];
  if (published) {
    return {
      baseUrl: `http://${connectHost(published.hostIp)}:${published.hostPort}`,
      source: 'published-port',
      how:
        `${facts.name} publishes ${published.hostIp || '0.0.0.0'}:${published.hostPort} → ` +
        `${setting.port} (${setting.portFrom})`,
    };
  }
  const network = pickNetwork(facts.networks);
  if (network) {
    const loopbackOnly = isLoopback(setting.bind);
    return {
      baseUrl: `http://${network.ip}:${setting.port}`,
      source: 'bridge-address',
      how:
        `${facts.name} publishes no port: its address on the network ${network.name}, ${setting.portFrom}` +
        (loopbackOnly ? ` (but ${setting.bindFrom}: it listens inside its container only)` : ''),
    };
  }
  return fallback(
    `${facts.name} has no address (network mode ${facts.networkMode}${facts.running ? '' : ', not running'})`,
  );
}

/**
 * Why a configured URL cannot reach what the container listens on, or undefined when it can (or it cannot
 * be told: a name the dashboard does not resolve). Compares ports, and the host with a specific BIND on the
 * host network.
 */
export function configuredUrlMismatch(
  service: ProbedService,
  configuredUrl: string,
  facts: ListenFacts,
): string | undefined {
  if (facts.env.SOCKET) return undefined;
  let url: URL;
  try {
    url = new URL(configuredUrl);
  } catch {
    return undefined;
  }
  const setting = listenSetting(service, facts);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const listensOn =
    `${facts.name} listens on` + ` ${setting.bind}:${setting.port} (${setting.bindFrom}, ${setting.portFrom})`;
  if (facts.networkMode === 'host') {
    if (port !== setting.port) return `it names port ${port}, but ${listensOn} on the host network`;
    if (!WILDCARDS.has(setting.bind) && host !== setting.bind && !(isLoopback(host) && isLoopback(setting.bind))) {
      return `it names ${host}, but ${listensOn} on the host network`;
    }
    return undefined;
  }
  const publishedPorts = facts.ports
    .filter((p) => p.containerPort === setting.port && p.protocol === 'tcp')
    .map((p) => p.hostPort);
  if (port === setting.port || publishedPorts.includes(port)) return undefined;
  const published =
    publishedPorts.length > 0 ? ` and publishes it as ${publishedPorts.join(', ')}` : ' and publishes no port';
  return `it names port ${port}, but ${listensOn}${published}`;
}
