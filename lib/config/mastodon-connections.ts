import type { MastodonKey } from './keys';

/** Where Mastodon's Postgres lives, resolved as Rails' config/database.yml does for production. */
export interface PostgresTarget {
  /** Set when DATABASE_URL is given; Rails lets it win over the DB_* keys. */
  connectionString?: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  sslMode?: string;
}

/** A Redis reached through Sentinel: ask the sentinels where the master called `name` is. */
export interface RedisSentinelTarget {
  name: string;
  sentinels: { host: string; port: number }[];
  /** Credentials for the sentinels themselves (*_SENTINEL_USERNAME/PASSWORD, else the role's USER/PASSWORD). */
  username?: string;
  password?: string;
}

/** One Redis endpoint as an ioredis URL (credentials included, so never log it). */
export interface RedisTarget {
  /** With `sentinel`, the host is the master's name and the URL carries only the master's credentials and db. */
  url: string;
  /** host:port/db without credentials, safe to show. */
  label: string;
  /** The keys this endpoint came from (names only, no values), for the startup log and the config doctor. */
  source?: string;
  sentinel?: RedisSentinelTarget;
}

export interface MastodonConnections {
  localDomain?: string;
  postgres: PostgresTarget;
  redis: RedisTarget;
  cacheRedis: RedisTarget;
  sidekiqRedis: RedisTarget;
  /**
   * REDIS_NAMESPACE: the releases that honour it prefix Sidekiq keys with it and use `<ns>_cache` for the
   * cache (lib/mastodon/version-facts.ts, redisNamespace).
   */
  redisNamespace?: string;
  /** Redis settings Mastodon ignores or cannot start with, by key name (never values): logged at start. */
  redisNotices: string[];
  /** Overrides of the registration mode that Mastodon reads from its environment. */
  registrationOverrides: {
    singleUserMode: boolean;
    autoApprovedSwitchDisabled: boolean;
    emailDomainAllowlist: boolean;
  };
}

export type MastodonValues = Partial<Record<MastodonKey, string>>;

function numberOr(value: string | undefined, fallback: number): number {
  const parsed = value === undefined || value === '' ? Number.NaN : Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}

type RedisPrefix = '' | 'CACHE_' | 'SIDEKIQ_';

const ROLE_OF_PREFIX: Record<RedisPrefix, string> = { '': 'the main Redis', CACHE_: 'the cache', SIDEKIQ_: 'Sidekiq' };

function redisFromUrl(url: string, source: string): RedisTarget {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\//, '') || '0';
    return { url, label: `${parsed.hostname}:${parsed.port || '6379'}/${db}`, source };
  } catch {
    return { url, label: '(unparseable REDIS URL)', source };
  }
}

function credentials(user: string | undefined, password: string | undefined): string {
  // Mastodon adds the user only beside a password; a user alone sends no AUTH, so it is left out.
  return password ? `${encodeURIComponent(user ?? '')}:${encodeURIComponent(password)}@` : '';
}

/** REDIS_SENTINELS: `host[:port],host[:port]`, split the way parse_sentinels splits it. */
function parseSentinels(list: string, defaultPort: number): { host: string; port: number }[] {
  return list
    .split(',')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [host = '', port] = entry.split(':');
      return { host, port: numberOr(port, defaultPort) };
    });
}

/**
 * One role's Redis as Mastodon's setup_config builds it (mastodon/mastodon v4.3.0 and v4.5.x
 * lib/mastodon/redis_configuration.rb, unchanged in this part): `<prefix>REDIS_URL` wins outright;
 * else `<prefix>REDIS_SENTINEL_MASTER` with `<prefix>REDIS_SENTINELS` makes the master's name the host;
 * else `<prefix>REDIS_HOST`. The cache and Sidekiq roles have no defaults: without a URL, host or
 * sentinels they take the main Redis whole, ignoring their own PORT, DB, USER and PASSWORD.
 */
function resolveRedis(values: MastodonValues, prefix: RedisPrefix, notices: string[], main?: RedisTarget): RedisTarget {
  const key = (name: string) => `${prefix}REDIS_${name}`;
  const read = (name: string): string | undefined => values[key(name) as MastodonKey];
  const given = (names: string[]) => names.filter((name) => read(name) !== undefined).map(key);
  const role = ROLE_OF_PREFIX[prefix];

  const url = read('URL');
  if (url) {
    const ignored = given(['HOST', 'PORT', 'DB', 'USER', 'PASSWORD', 'SENTINEL_MASTER', 'SENTINELS']);
    if (ignored.length > 0) notices.push(`${key('URL')} is set, so Mastodon ignores ${ignored.join(', ')}.`);
    return redisFromUrl(url, key('URL'));
  }

  const user = read('USER');
  const password = read('PASSWORD');
  let host = read('HOST') ?? (main ? undefined : 'localhost');
  let port: string | undefined = read('PORT') ?? (main ? undefined : '6379');
  let db = read('DB') ?? (main ? undefined : '0');

  const master = read('SENTINEL_MASTER');
  const list = read('SENTINELS');
  const sentinels = parseSentinels(list ?? '', numberOr(read('SENTINEL_PORT'), 26_379));
  let sentinel: RedisSentinelTarget | undefined;
  if (master && sentinels.length > 0) {
    sentinel = {
      name: master,
      sentinels,
      username: (read('SENTINEL_USERNAME') ?? user) || undefined,
      password: (read('SENTINEL_PASSWORD') ?? password) || undefined,
    };
    host = master;
    port = undefined;
    db ??= '0';
  } else if (master || list) {
    notices.push(
      `${master ? key('SENTINEL_MASTER') : key('SENTINELS')} is set without its pair, ` +
        `so Mastodon does not use sentinels for ${role}.`,
    );
  }

  if (!host) {
    if (main) {
      const ignored = given(['PORT', 'DB', 'USER', 'PASSWORD']);
      if (ignored.length > 0) {
        notices.push(
          `${ignored.join(', ')} without ${key('HOST')}: Mastodon ignores them and uses REDIS_* for ${role}.`,
        );
      }
      return main;
    }
    // setup_config would fall back to itself here and never return: Mastodon does not start.
    notices.push('REDIS_HOST is empty, with which Mastodon does not start; the dashboard tries localhost.');
    host = 'localhost';
  }

  const dbNumber = numberOr(db, 0);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  if (sentinel) {
    const sentinelList = sentinels.map((entry) => `${entry.host}:${entry.port}`).join(',');
    return {
      url: `redis://${credentials(user, password)}${hostPart}/${dbNumber}`,
      label: `${host} via sentinels ${sentinelList}/${dbNumber}`,
      source: `${key('SENTINEL_MASTER')}, ${key('SENTINELS')}`,
      sentinel,
    };
  }
  const portNumber = numberOr(port, 6379);
  return {
    url: `redis://${credentials(user, password)}${hostPart}:${portNumber}/${dbNumber}`,
    label: `${host}:${portNumber}/${dbNumber}`,
    source: read('HOST') !== undefined ? key('HOST') : 'defaults (localhost:6379/0)',
  };
}

export function resolveMastodonConnections(values: MastodonValues): MastodonConnections {
  const postgres: PostgresTarget = {
    host: values.DB_HOST || 'localhost',
    port: numberOr(values.DB_PORT, 5432),
    database: values.DB_NAME || 'mastodon_production',
    user: values.DB_USER || 'mastodon',
    password: values.DB_PASS || undefined,
    sslMode: values.DB_SSLMODE || undefined,
    connectionString: values.DATABASE_URL || undefined,
  };
  const redisNotices: string[] = [];
  const redis = resolveRedis(values, '', redisNotices);
  return {
    localDomain: values.LOCAL_DOMAIN || undefined,
    postgres,
    redis,
    cacheRedis: resolveRedis(values, 'CACHE_', redisNotices, redis),
    sidekiqRedis: resolveRedis(values, 'SIDEKIQ_', redisNotices, redis),
    redisNamespace: values.REDIS_NAMESPACE || undefined,
    redisNotices,
    registrationOverrides: {
      singleUserMode: values.SINGLE_USER_MODE === 'true',
      autoApprovedSwitchDisabled: values.DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS === 'true',
      // Mastodon reads the older name too (ENV['EMAIL_DOMAIN_ALLOWLIST'] || ENV['EMAIL_DOMAIN_WHITELIST']).
      emailDomainAllowlist: Boolean(values.EMAIL_DOMAIN_ALLOWLIST || values.EMAIL_DOMAIN_WHITELIST),
    },
  };
}
