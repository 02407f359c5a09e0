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

/** One Redis endpoint as an ioredis URL (credentials included, so never log it). */
export interface RedisTarget {
  url: string;
  /** host:port/db without credentials, safe to show. */
  label: string;
}

export interface MastodonConnections {
  localDomain?: string;
  postgres: PostgresTarget;
  redis: RedisTarget;
  cacheRedis: RedisTarget;
  sidekiqRedis: RedisTarget;
  /** REDIS_NAMESPACE (the releases that honour it prefix Sidekiq keys with it and use `<ns>_cache` for the cache: version-facts). */
  redisNamespace?: string;
  /** Overrides of the registration mode that Mastodon reads from its environment. */
  registrationOverrides: {
    singleUserMode: boolean;
    autoApprovedSwitchDisabled: boolean;
    emailDomainAllowlist: boolean;
  };
}

export type MastodonValues = Partial<Record<MastodonKey, string>>;

function numberOr(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}

function redisFromUrl(url: string): RedisTarget {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\//, '') || '0';
    return { url, label: `${parsed.hostname}:${parsed.port || '6379'}/${db}` };
  } catch {
    return { url, label: '(unparseable REDIS URL)' };
  }
}

function redisFromParts(parts: {
  host?: string;
  port?: string;
  db?: string;
  user?: string;
  password?: string;
}): RedisTarget {
  const host = parts.host || 'localhost';
  const port = numberOr(parts.port, 6379);
  const db = numberOr(parts.db, 0);
  const auth =
    parts.password !== undefined && parts.password !== ''
      ? `${encodeURIComponent(parts.user ?? '')}:${encodeURIComponent(parts.password)}@`
      : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { url: `redis://${auth}${hostPart}:${port}/${db}`, label: `${host}:${port}/${db}` };
}

/**
 * Mirrors Mastodon's lib/mastodon/redis_config.rb and its successor redis_configuration.rb: a *_URL wins, else the
 * *_HOST family, else the cache and Sidekiq connections fall back to the main Redis.
 */
function resolveRedis(values: MastodonValues, prefix: '' | 'CACHE_' | 'SIDEKIQ_', fallback?: RedisTarget): RedisTarget {
  const url = values[`${prefix}REDIS_URL` as MastodonKey];
  if (url) return redisFromUrl(url);
  const host = values[`${prefix}REDIS_HOST` as MastodonKey];
  if (prefix !== '' && !host && fallback) return fallback;
  return redisFromParts({
    host,
    port: values[`${prefix}REDIS_PORT` as MastodonKey],
    db: values[`${prefix}REDIS_DB` as MastodonKey],
    // Each role reads its own user (CACHE_REDIS_USER, SIDEKIQ_REDIS_USER), as Mastodon's setup_config does.
    user: values[`${prefix}REDIS_USER` as MastodonKey],
    password: values[`${prefix}REDIS_PASSWORD` as MastodonKey],
  });
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
  const redis = resolveRedis(values, '');
  return {
    localDomain: values.LOCAL_DOMAIN || undefined,
    postgres,
    redis,
    cacheRedis: resolveRedis(values, 'CACHE_', redis),
    sidekiqRedis: resolveRedis(values, 'SIDEKIQ_', redis),
    redisNamespace: values.REDIS_NAMESPACE || undefined,
    registrationOverrides: {
      singleUserMode: values.SINGLE_USER_MODE === 'true',
      autoApprovedSwitchDisabled: values.DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS === 'true',
      // Mastodon reads the older name too (ENV['EMAIL_DOMAIN_ALLOWLIST'] || ENV['EMAIL_DOMAIN_WHITELIST']).
      emailDomainAllowlist: Boolean(values.EMAIL_DOMAIN_ALLOWLIST || values.EMAIL_DOMAIN_WHITELIST),
    },
  };
}
