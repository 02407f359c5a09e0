import { text, type Text } from '@/lib/i18n/text';

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
import { andList } from '../words';

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
function officialSetting(key: string): Text | string {
  if (key === 'DB_HOST') return 'DB_HOST=db';
  return key === 'REDIS_HOST' ? 'REDIS_HOST=redis' : text('doctor.backendHosts.officialOther', { key });
}

function hostCheck(ctx: DoctorContext, kind: 'db' | 'redis', target: HostTarget): Finding {
  const { key, host } = target;
  const label = kind === 'db' ? 'PostgreSQL' : 'Redis';
  const backends = ctx.compose?.services.filter((service) => isBackend(kind, service)) ?? [];
  const backend = backends.find((service) => service.name === kind) ?? backends[0];
  const app = ctx.app;
  const appName = app?.name ?? 'web';
  const suggestion = backend
    ? text(key.endsWith('_URL') ? 'doctor.backendHosts.suggestionUrl' : 'doctor.backendHosts.suggestionSet', {
        key,
        service: backend.name,
      })
    : undefined;
  const setHostName = text('doctor.backendHosts.setHostName', { key, label });
  const finding = (outcome: HostOutcome, severity: Severity, title: Text, why: Text, fix?: Text): Finding => ({
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
      text('doctor.backendHosts.notUrl.title', { key }),
      text('doctor.backendHosts.notUrl.why', { key, label }),
      text('doctor.backendHosts.notUrl.fix', {
        example: kind === 'db' ? 'postgresql://user@db:5432/name' : 'redis://redis:6379/0',
      }),
    );

  const kindOf =
    host === undefined ? 'unset' : host.startsWith('/') ? 'socket' : isLoopbackHost(host) ? 'loopback' : 'name';
  const unsetWords = text('doctor.backendHosts.unset', { key });
  if (!ctx.compose || !app) {
    if (kindOf === 'name')
      return finding(
        'unchecked',
        'info',
        text('doctor.backendHosts.noCompose.namedTitle', { key }),
        text('doctor.backendHosts.noCompose.namedWhy'),
      );
    const why =
      kindOf === 'socket'
        ? text('doctor.backendHosts.noCompose.socketWhy', { key })
        : kindOf === 'loopback'
          ? text('doctor.backendHosts.noCompose.loopbackWhy', { key })
          : text('doctor.backendHosts.noCompose.unsetWhy', { unset: unsetWords });
    return finding(
      kindOf === 'socket' ? 'socket' : kindOf === 'loopback' ? 'loopback' : 'unset',
      'warning',
      text('doctor.backendHosts.noCompose.title', { key, label }),
      why,
      text('doctor.backendHosts.noCompose.fix', { official: officialSetting(key) }),
    );
  }

  const networking = networkingOf(app);
  if (networking.kind === 'other') {
    return finding(
      'unchecked',
      'info',
      text('doctor.backendHosts.otherNetwork.title', { key }),
      text('doctor.backendHosts.otherNetwork.why', { app: appName, mode: networking.mode }),
    );
  }
  if (kindOf === 'socket') {
    if (host !== undefined && mountsPath(app, host))
      return finding(
        'ok',
        'ok',
        text('doctor.backendHosts.socketMounted.title', { key }),
        text('doctor.backendHosts.socketMounted.why', { app: appName }),
      );
    return finding(
      'socket',
      'error',
      text('doctor.backendHosts.socket.title', { key }),
      backend
        ? text('doctor.backendHosts.socket.whyBackend', { key, app: appName, label, service: backend.name })
        : text('doctor.backendHosts.socket.why', { key, app: appName }),
      suggestion ?? setHostName,
    );
  }
  if (networking.kind === 'host') {
    if (kindOf === 'unset' || kindOf === 'loopback') {
      return finding(
        'ok',
        'ok',
        text('doctor.backendHosts.hostOk.title', { key, label }),
        text(kindOf === 'unset' ? 'doctor.backendHosts.hostOk.whyUnset' : 'doctor.backendHosts.hostOk.whyLoopback', {
          app: appName,
        }),
      );
    }
    if (host !== undefined && serviceNamed(ctx.compose, host)) {
      return finding(
        'service-on-host-network',
        'error',
        text('doctor.backendHosts.serviceOnHost.title', { key, app: appName }),
        text('doctor.backendHosts.serviceOnHost.why', { app: appName }),
        text('doctor.backendHosts.serviceOnHost.fix', { label }),
      );
    }
    return finding(
      'external',
      'info',
      text('doctor.backendHosts.externalOnHost.title', { key }),
      text('doctor.backendHosts.externalOnHost.why', { app: appName }),
    );
  }
  if (kindOf === 'unset' || kindOf === 'loopback') {
    return finding(
      kindOf,
      'error',
      kindOf === 'unset'
        ? text('doctor.backendHosts.bridge.unsetTitle', { key, label })
        : text('doctor.backendHosts.bridge.loopbackTitle', { key }),
      kindOf === 'unset'
        ? text('doctor.backendHosts.bridge.whyUnset', { unset: unsetWords, app: appName, label })
        : text('doctor.backendHosts.bridge.whyLoopback', { key, app: appName, label }),
      suggestion ?? setHostName,
    );
  }
  const named = host === undefined ? undefined : serviceNamed(ctx.compose, host);
  if (named) {
    if (!isBackend(kind, named) && (isAppLike(named) || isBackend(kind === 'db' ? 'redis' : 'db', named))) {
      return finding(
        'wrong-service',
        'error',
        text('doctor.backendHosts.wrongService.title', { key }),
        text('doctor.backendHosts.wrongService.why', { service: named.name, label }),
        suggestion,
      );
    }
    const shared = sharedNetworks(app, named);
    if (shared.length === 0) {
      return finding(
        'service-unreachable',
        'error',
        text('doctor.backendHosts.unreachable.title', { app: appName, service: named.name }),
        named.networkMode
          ? text('doctor.backendHosts.unreachable.whyMode', {
              key,
              service: named.name,
              app: appName,
              compose: ctx.composeName,
              mode: named.networkMode,
            })
          : text('doctor.backendHosts.unreachable.why', {
              key,
              service: named.name,
              app: appName,
              compose: ctx.composeName,
            }),
        text('doctor.backendHosts.unreachable.fix', { service: named.name, app: appName }),
      );
    }
    return finding(
      'ok',
      'ok',
      text('doctor.backendHosts.serviceOk.title', { key, service: named.name }),
      text('doctor.backendHosts.serviceOk.why', { app: appName, networks: andList(shared) }),
    );
  }
  if (backend) {
    return finding(
      'external',
      'warning',
      text('doctor.backendHosts.notBackend.title', { key, service: backend.name }),
      text('doctor.backendHosts.notBackend.why', { compose: ctx.composeName, label, service: backend.name, key }),
      text('doctor.backendHosts.notBackend.fix', { suggestion: suggestion ?? '', label, service: backend.name }),
    );
  }
  return finding(
    'external',
    'info',
    text('doctor.backendHosts.external.title', { key, label }),
    text('doctor.backendHosts.external.why', { label, compose: ctx.composeName }),
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
