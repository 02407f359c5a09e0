/**
 * Where Mastodon's web and streaming answer, found from their containers when MASTODON_WEB_URL and
 * MASTODON_STREAMING_URL are unset. Pure: works on ListenFacts (docker inspect, reduced). Puma binds
 * tcp://BIND:PORT (config/puma.rb) and streaming listens on PORT and BIND (streaming/index.js), both defaulting
 * to 127.0.0.1; web's PORT defaults to 3000, streaming's to 4000 (its image sets PORT=4000, both images BIND=0.0.0.0).
 */
import { isIP } from 'node:net';

import type { ListenFacts } from '../docker/listen-facts';
import { text, type Text } from '../i18n/text';

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
  how: Text;
}

/** What the container's own settings say it listens on. */
export interface ListenSetting {
  port: number;
  portFrom: Text;
  /** BIND without URI brackets. */
  bind: string;
  bindFrom: Text;
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
    portFrom:
      port === Number(rawPort)
        ? text('vitals.address.portSet', { port: String(port) })
        : text('vitals.address.portUnset', { port: String(defaultPort) }),
    bind,
    bindFrom: rawBind ? text('vitals.address.bindSet', { bind: rawBind }) : text('vitals.address.bindUnset'),
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
  const fallback = (why: Text): ServiceAddress => defaultAddress(defaultPort, why);
  if (!facts) return fallback(text('vitals.address.noContainer', { service }));
  if (facts.env.SOCKET) return fallback(text('vitals.address.socket', { name: facts.name }));
  const setting = listenSetting(service, facts);
  const hostNetwork = facts.networkMode === 'host';

  if (own && own.networkMode !== 'host' && !hostNetwork) {
    const ownNetworks = new Set(own.networks.map((network) => network.name));
    const shared = facts.networks.find((network) => ownNetworks.has(network.name));
    if (shared) {
      return {
        baseUrl: `http://${facts.service || service}:${setting.port}`,
        source: 'service-name',
        how: text('vitals.address.sharedNetwork', {
          own: own.name,
          network: shared.name,
          name: facts.name,
          portFrom: setting.portFrom,
        }),
      };
    }
  }
  if (hostNetwork) {
    return {
      baseUrl: `http://${connectHost(setting.bind)}:${setting.port}`,
      source: 'host-network',
      how: text('vitals.address.hostNetwork', {
        name: facts.name,
        bindFrom: setting.bindFrom,
        portFrom: setting.portFrom,
      }),
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
      how: text('vitals.address.published', {
        name: facts.name,
        hostIp: published.hostIp || '0.0.0.0',
        hostPort: String(published.hostPort),
        port: String(setting.port),
        portFrom: setting.portFrom,
      }),
    };
  }
  const network = pickNetwork(facts.networks);
  if (network) {
    const loopbackOnly = isLoopback(setting.bind);
    return {
      baseUrl: `http://${network.ip}:${setting.port}`,
      source: 'bridge-address',
      how: text(loopbackOnly ? 'vitals.address.bridgeLoopback' : 'vitals.address.bridge', {
        name: facts.name,
        network: network.name,
        portFrom: setting.portFrom,
        ...(loopbackOnly ? { bindFrom: setting.bindFrom } : {}),
      }),
    };
  }
  return fallback(
    text(facts.running ? 'vitals.address.noAddress' : 'vitals.address.noAddressStopped', {
      name: facts.name,
      mode: facts.networkMode,
    }),
  );
}

/** The official layout's address, when nothing better is known, and why. */
export function defaultAddress(defaultPort: number, why: Text | string): ServiceAddress {
  return {
    baseUrl: `http://127.0.0.1:${defaultPort}`,
    source: 'default',
    how: text('vitals.address.fallback', { why, port: String(defaultPort) }),
  };
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
): Text | undefined {
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
  const listensOn = text('vitals.address.listensOn', {
    name: facts.name,
    bind: setting.bind,
    port: String(setting.port),
    bindFrom: setting.bindFrom,
    portFrom: setting.portFrom,
  });
  if (facts.networkMode === 'host') {
    if (port !== setting.port) return text('vitals.address.mismatchHostPort', { port: String(port), listensOn });
    if (!WILDCARDS.has(setting.bind) && host !== setting.bind && !(isLoopback(host) && isLoopback(setting.bind))) {
      return text('vitals.address.mismatchHostName', { host, listensOn });
    }
    return undefined;
  }
  const publishedPorts = facts.ports
    .filter((p) => p.containerPort === setting.port && p.protocol === 'tcp')
    .map((p) => p.hostPort);
  if (port === setting.port || publishedPorts.includes(port)) return undefined;
  return publishedPorts.length > 0
    ? text('vitals.address.mismatchPublished', { port: String(port), listensOn, published: publishedPorts.join(', ') })
    : text('vitals.address.mismatchUnpublished', { port: String(port), listensOn });
}
