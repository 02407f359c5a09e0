/**
 * Where Mastodon connects to PostgreSQL and Redis (DATABASE_URL / DB_HOST, REDIS_URL / REDIS_HOST and the cache
 * and Sidekiq ones), against the compose services and their networks.
 */
import { envUnread, isSet, type DoctorCheck, type DoctorContext } from '../check';
import {
  isAppLike,
  isBackend,
  isLoopbackHost,
  mountsPath,
  networkingOf,
  serviceNamed,
  sharedNetworks,
} from '../compose-view';
import type { Finding, HostOutcome, Severity } from '../types';
import { list } from '../words';

/**
 * The host part of a connection URL, read loosely: libpq accepts forms WHATWG URLs refuse, such as
 * "postgresql://user:pass@/db?host=/var/run/postgresql". undefined when it is not a URL at all.
 */
function urlHost(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const param = /[?&]host=([^&#]*)/.exec(url)?.[1];
  if (!param) return '';
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

type HostTarget = { key: string; host?: string; unreadable?: boolean };

/**
 * The host Mastodon connects to for Postgres: DATABASE_URL's (Rails merges it over DB_*), else DB_HOST (unset means
 * localhost).
 */
function databaseHost(env: ReadonlyMap<string, string>): HostTarget {
  const url = env.get('DATABASE_URL');
  if (isSet(url)) {
    const host = urlHost(url);
    if (host === undefined) return { key: 'DATABASE_URL', unreadable: true };
    if (host !== '') return { key: 'DATABASE_URL', host };
  }
  const host = env.get('DB_HOST');
  return { key: 'DB_HOST', ...(isSet(host) ? { host } : {}) };
}

/**
 * Redis hosts Mastodon connects to: the main one (REDIS_URL wins over REDIS_HOST), and the cache and Sidekiq ones when
 * set.
 */
function redisHosts(env: ReadonlyMap<string, string>): HostTarget[] {
  const targets: HostTarget[] = [];
  for (const prefix of ['', 'CACHE_', 'SIDEKIQ_']) {
    const url = env.get(`${prefix}REDIS_URL`);
    const host = env.get(`${prefix}REDIS_HOST`);
    if (isSet(url)) {
      const fromUrl = urlHost(url);
      targets.push(
        fromUrl === undefined
          ? { key: `${prefix}REDIS_URL`, unreadable: true }
          : { key: `${prefix}REDIS_URL`, ...(fromUrl ? { host: fromUrl } : {}) },
      );
    } else if (isSet(host) || prefix === '') {
      targets.push({ key: `${prefix}REDIS_HOST`, ...(isSet(host) ? { host } : {}) });
    }
  }
  return targets;
}

/** What the official Docker setup writes for this key. */
function officialSetting(key: string): string {
  if (key === 'DB_HOST') return 'DB_HOST=db';
  return key === 'REDIS_HOST' ? 'REDIS_HOST=redis' : `${key} names the compose service`;
}

function hostCheck(ctx: DoctorContext, kind: 'db' | 'redis', target: HostTarget): Finding {
  const { key, host } = target;
  const label = kind === 'db' ? 'PostgreSQL' : 'Redis';
  const backends = ctx.compose?.services.filter((service) => isBackend(kind, service)) ?? [];
  const backend = backends.find((service) => service.name === kind) ?? backends[0];
  const app = ctx.app;
  const appName = app?.name ?? 'web';
  const suggestion = backend
    ? key.endsWith('_URL')
      ? `Use the compose service name ${backend.name} as the host in ${key}.`
      : `Set ${key}=${backend.name} (the compose service name).`
    : undefined;
  const finding = (outcome: HostOutcome, severity: Severity, title: string, why: string, fix?: string): Finding => ({
    id: `${kind}-host-${outcome}` as const,
    severity,
    key,
    title,
    why,
    ...(fix ? { fix } : {}),
  });

  if (target.unreadable)
    return finding(
      'unchecked',
      'warning',
      `${key} is not a URL`,
      `Mastodash cannot read a host from ${key}, so it cannot tell where Mastodon connects to ${label}.`,
      `Write it as ${kind === 'db' ? 'postgresql://user@db:5432/name' : 'redis://redis:6379/0'}.`,
    );

  const kindOf =
    host === undefined ? 'unset' : host.startsWith('/') ? 'socket' : isLoopbackHost(host) ? 'loopback' : 'name';
  const unsetWords = `${key} is not set, so Mastodon uses its default, localhost`;
  if (!ctx.compose || !app) {
    if (kindOf === 'name')
      return finding(
        'unchecked',
        'info',
        `${key} names a host`,
        `Without a compose file (or a web service in it) Mastodash cannot compare it with the compose services.`,
      );
    const why =
      kindOf === 'socket'
        ? `${key} is a Unix socket directory (the sample's value for installs without Docker). In a Docker ` +
          `deployment that directory does not exist inside the containers.`
        : kindOf === 'loopback'
          ? `${key} names a loopback address. Inside a Docker container that is the container itself, unless it ` +
            `uses the host network.`
          : `${unsetWords}. Inside a Docker container that is the container itself.`;
    return finding(
      kindOf === 'socket' ? 'socket' : kindOf === 'loopback' ? 'loopback' : 'unset',
      'warning',
      `${key} may not reach ${label} from a container`,
      why,
      `In the official Docker setup, ${officialSetting(key)}.`,
    );
  }

  const networking = networkingOf(app);
  if (networking.kind === 'other') {
    return finding(
      'unchecked',
      'info',
      `${key} not checked`,
      `${appName} uses network_mode: ${networking.mode}, so Mastodash cannot tell which hosts it reaches.`,
    );
  }
  if (kindOf === 'socket') {
    if (host !== undefined && mountsPath(app, host))
      return finding(
        'ok',
        'ok',
        `${key} is a mounted Unix socket directory`,
        `${appName} mounts that directory from the host, so the socket is there.`,
      );
    return finding(
      'socket',
      'error',
      `${key} is a Unix socket directory, not a reachable host`,
      `${key} is a socket directory (the sample's value for installs without Docker). Inside the ${appName} ` +
        `container that directory does not exist` +
        `${backend ? `; ${label} runs as the compose service ${backend.name}` : ''}.`,
      suggestion ?? `Set ${key} to the host name of your ${label} server.`,
    );
  }
  if (networking.kind === 'host') {
    if (kindOf === 'unset' || kindOf === 'loopback') {
      return finding(
        'ok',
        'ok',
        `${key} reaches ${label} on this server`,
        `${appName} uses the host network (network_mode: host), so ` +
          `${kindOf === 'unset' ? 'the default localhost' : 'a loopback address'} ` +
          `is the server itself.`,
      );
    }
    if (host !== undefined && serviceNamed(ctx.compose, host)) {
      return finding(
        'service-on-host-network',
        'error',
        `${key} names a compose service, but ${appName} uses the host network`,
        `With network_mode: host, compose service names do not resolve inside ${appName}.`,
        `Use the address the ${label} server listens on (for a published port, 127.0.0.1), or drop network_mode: host.`,
      );
    }
    return finding(
      'external',
      'info',
      `${key} names another host`,
      `${appName} uses the host network; make sure that host is reachable from the server.`,
    );
  }
  if (kindOf === 'unset' || kindOf === 'loopback') {
    return finding(
      kindOf,
      'error',
      kindOf === 'unset'
        ? `${key} is not set: Mastodon looks for ${label} inside its own container`
        : `${key} points at the container itself`,
      `${kindOf === 'unset' ? unsetWords : `${key} names a loopback address`}, but inside the ${appName} ` +
        `container localhost is the container, where no ${label} listens.`,
      suggestion ?? `Set ${key} to the host name of your ${label} server.`,
    );
  }
  const named = host === undefined ? undefined : serviceNamed(ctx.compose, host);
  if (named) {
    if (!isBackend(kind, named) && (isAppLike(named) || isBackend(kind === 'db' ? 'redis' : 'db', named))) {
      return finding(
        'wrong-service',
        'error',
        `${key} names the wrong compose service`,
        `It names ${named.name}, which is not a ${label} service.`,
        suggestion,
      );
    }
    const shared = sharedNetworks(app, named);
    if (shared.length === 0) {
      return finding(
        'service-unreachable',
        'error',
        `${appName} cannot reach ${named.name}`,
        `${key} names the compose service ${named.name}, but ${appName} and ${named.name} share no network in ` +
          `${ctx.composeName}${named.networkMode ? ` (${named.name} uses network_mode: ${named.networkMode})` : ''}.`,
        `Put both on the same network; the official file puts ${named.name} on internal_network and ` +
          `${appName} on internal_network and external_network.`,
      );
    }
    return finding(
      'ok',
      'ok',
      `${key} names the compose service ${named.name}`,
      `${appName} reaches it over ${list(shared)}.`,
    );
  }
  if (backend) {
    return finding(
      'external',
      'warning',
      `${key} does not name the compose service ${backend.name}`,
      `${ctx.composeName} runs ${label} as ${backend.name}, but ${key} names another host, so Mastodon does ` +
        `not use it.`,
      `${suggestion ?? ''} Keep it only if an external ${label} server is intended; the ${backend.name} ` +
        `service is then unused.`,
    );
  }
  return finding(
    'external',
    'info',
    `${key} names an external ${label} server`,
    `No ${label} service is in ${ctx.composeName}; make sure that host is reachable from the containers.`,
  );
}

export const backendHostsCheck: DoctorCheck = {
  name: 'backend-hosts',
  skip: envUnread,
  run: (ctx) => [
    hostCheck(ctx, 'db', databaseHost(ctx.env)),
    ...redisHosts(ctx.env).map((target) => hostCheck(ctx, 'redis', target)),
  ],
};
