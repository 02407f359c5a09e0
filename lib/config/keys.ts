import { z } from 'zod';

import { parseBackupSchedule } from './backup-schedule';
import { ACCEPTED_PEERS_EXAMPLE, parseAcceptedPeers } from './accepted-peers';

/**
 * Every configuration key the dashboard reads from its own environment, with the one-line explanation
 * and example used in error messages and mirrored by `.env.example` (a unit test keeps the two in step).
 */
export interface ConfigKeySpec {
  description: string;
  /** Shown in `.env.example`; undefined when the key is unset by default. */
  defaultValue?: string;
  /** What a good value looks like, for error messages. */
  example: string;
  /** Values of secret keys never appear in messages or logs. */
  secret?: boolean;
  schema: z.ZodType<unknown>;
}

const booleanFromEnv = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), 'must be true or false')
  .transform((value) => ['true', '1', 'yes'].includes(value));

function wholeNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const optionalString = z.string().trim().min(1).optional();

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), 'must be an http:// or https:// URL');

export const DASHBOARD_KEYS = {
  HOST: {
    description: 'Address the dashboard listens on. Keep it on loopback and reach it through an SSH tunnel.',
    defaultValue: '127.0.0.1',
    example: 'HOST=127.0.0.1',
    schema: z.string().trim().min(1, 'must not be empty'),
  },
  PORT: {
    description: 'TCP port the dashboard listens on.',
    defaultValue: '3001',
    example: 'PORT=3001',
    schema: wholeNumber(1, 65535),
  },
  ALLOW_NON_LOOPBACK: {
    description:
      'Set to true to allow a HOST that is not a loopback address (only inside a container published on 127.0.0.1).',
    defaultValue: 'false',
    example: 'ALLOW_NON_LOOPBACK=false',
    schema: booleanFromEnv,
  },
  ACCEPT_CONNECTIONS_FROM: {
    description:
      'Which peers may open a connection at all: any, or loopback plus gateway (the host, through a ' +
      'published port) and IP addresses. The image sets loopback,gateway.',
    defaultValue: 'any',
    example: ACCEPTED_PEERS_EXAMPLE,
    schema: z.string().transform((value, context) => {
      const parsed = parseAcceptedPeers(value);
      if (parsed.ok) return parsed.peers;
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }),
  },
  MASTODON_DIR: {
    description:
      "Mastodon's compose directory; its .env.production supplies the database, Redis and LOCAL_DOMAIN settings.",
    example: 'MASTODON_DIR=/home/mastodon/live',
    schema: optionalString,
  },
  COMPOSE_PROJECT: {
    description: 'Compose project name of the Mastodon deployment (the com.docker.compose.project label).',
    defaultValue: 'mastodon',
    example: 'COMPOSE_PROJECT=mastodon',
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a compose project name: lowercase letters, digits, - and _'),
  },
  DOCKER_HOST: {
    description: 'Docker Engine endpoint: unix:///path/to/docker.sock or tcp://host:port.',
    defaultValue: 'unix:///var/run/docker.sock',
    example: 'DOCKER_HOST=unix:///var/run/docker.sock',
    schema: z
      .string()
      .trim()
      .regex(
        /^(unix:\/\/\/\S+|tcp:\/\/[^\s/:]+:\d+\/?|https?:\/\/[^\s/:]+:\d+\/?)$/,
        'must be unix:///path or tcp://host:port',
      ),
  },
  DOCKER_TIMEOUT_MS: {
    description: 'How long one Docker API call may take before the dashboard reports Docker as not answering.',
    defaultValue: '5000',
    example: 'DOCKER_TIMEOUT_MS=5000',
    schema: wholeNumber(100, 120_000),
  },
  RESTART_TIMEOUT_SECONDS: {
    description: 'How long a restart waits for the container to run and turn healthy before it reports a timeout.',
    defaultValue: '90',
    example: 'RESTART_TIMEOUT_SECONDS=90',
    schema: wholeNumber(1, 3600),
  },
  MASTODON_WEB_URL: {
    description:
      "Where the dashboard reaches Mastodon's web (Puma) for /health and /api/v2/instance, e.g. " +
      'http://web:3000 inside the compose network. Unset: found from the web container (host network: its BIND and PORT; a published port; else its address on its network).',
    example: 'MASTODON_WEB_URL=http://127.0.0.1:3000',
    schema: httpUrl.optional(),
  },
  MASTODON_STREAMING_URL: {
    description:
      "Where the dashboard reaches Mastodon's streaming server for /api/v1/streaming/health, e.g. " +
      'http://streaming:4000 inside the compose network. Unset: found from the streaming container, as for web.',
    example: 'MASTODON_STREAMING_URL=http://127.0.0.1:4000',
    schema: httpUrl.optional(),
  },
  INFLUX_URL: {
    description: 'InfluxDB base URL for the RAM and CPU graphs; leave unset to use live numbers from Docker only.',
    example: 'INFLUX_URL=http://127.0.0.1:8086',
    schema: httpUrl.optional(),
  },
  INFLUX_DB: {
    description: 'InfluxDB database (1.x, or 2.x through a DBRP mapping) that Telegraf writes to.',
    defaultValue: 'telegraf',
    example: 'INFLUX_DB=telegraf',
    schema: z.string().trim().min(1, 'must not be empty'),
  },
  INFLUX_TOKEN: {
    description: 'InfluxDB token (2.x), or user:password for 1.x with authentication.',
    example: 'INFLUX_TOKEN=user:password',
    secret: true,
    schema: optionalString,
  },
  INFLUX_ORG: {
    description: 'InfluxDB 2.x organisation, for Flux queries.',
    example: 'INFLUX_ORG=home',
    schema: optionalString,
  },
  INFLUX_BUCKET: {
    description: 'InfluxDB 2.x bucket, for Flux queries (1.8: database/retention-policy).',
    example: 'INFLUX_BUCKET=telegraf',
    schema: optionalString,
  },
  INFLUX_QUERY_LANGUAGE: {
    description:
      'auto picks Flux when INFLUX_BUCKET is set and the server speaks it (2.x, 1.8+), else InfluxQL over ' +
      '/query (1.x, 2.x through DBRP, 3 Core); influxql or flux forces one.',
    defaultValue: 'auto',
    example: 'INFLUX_QUERY_LANGUAGE=auto',
    schema: z.enum(['auto', 'influxql', 'flux'], { error: 'must be auto, influxql or flux' }),
  },
  INFLUX_TIMEOUT_MS: {
    description: 'How long one InfluxDB query may take before the graphs report InfluxDB as not answering.',
    defaultValue: '5000',
    example: 'INFLUX_TIMEOUT_MS=5000',
    schema: wholeNumber(100, 120_000),
  },
  METRICS_INTERVAL_SECONDS: {
    description:
      "Telegraf's collection interval: how often open graphs refresh, and how often the live Docker-stats " +
      'sampler measures.',
    defaultValue: '10',
    example: 'METRICS_INTERVAL_SECONDS=10',
    schema: wholeNumber(2, 600),
  },
  DASHBOARD_USER: {
    description: 'Username of the dashboard administrator.',
    defaultValue: 'admin',
    example: 'DASHBOARD_USER=admin',
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores'),
  },
  DASHBOARD_PASSWORD_FILE: {
    description:
      'File holding the admin password, or its scrypt hash (npm run -s hash-password prints one); wins ' +
      'over the others.',
    example: 'DASHBOARD_PASSWORD_FILE=/run/secrets/mastodash-password',
    schema: optionalString,
  },
  DASHBOARD_PASSWORD: {
    description:
      'The admin password itself (at least 12 characters); prefer DASHBOARD_PASSWORD_FILE or npm run set-password.',
    example: 'DASHBOARD_PASSWORD=a-long-passphrase',
    secret: true,
    schema: z
      .string()
      .min(12, 'must be at least 12 characters')
      .max(1024, 'must be at most 1024 characters')
      .optional(),
  },
  SESSION_IDLE_MINUTES: {
    description: 'A session ends after this many minutes without a request.',
    defaultValue: '30',
    example: 'SESSION_IDLE_MINUTES=30',
    schema: wholeNumber(1, 1440),
  },
  SESSION_MAX_HOURS: {
    description: 'A session ends this many hours after login, active or not.',
    defaultValue: '12',
    example: 'SESSION_MAX_HOURS=12',
    schema: wholeNumber(1, 720),
  },
  REAUTH_MINUTES: {
    description: 'Restarts, account creation, permission fixes and registration changes need a login this recent.',
    defaultValue: '10',
    example: 'REAUTH_MINUTES=10',
    schema: wholeNumber(1, 720),
  },
  LOGIN_LINK_MINUTES: {
    description: 'Validity of the one-time login link printed at start when no password is set.',
    defaultValue: '15',
    example: 'LOGIN_LINK_MINUTES=15',
    schema: wholeNumber(1, 1440),
  },
  ALLOWED_HOSTS: {
    description: 'Extra Host names (comma-separated) besides localhost, 127.0.0.1 and [::1]; any other Host gets 403.',
    example: 'ALLOWED_HOSTS=mastodash.internal',
    schema: z
      .string()
      .trim()
      .regex(
        /^[a-z0-9.:[\]-]+(,[a-z0-9.:[\]-]+)*$/i,
        'must be host names separated by commas, without spaces or schemes',
      )
      .transform((value) => value.toLowerCase().split(','))
      .optional(),
  },
  DATA_DIR: {
    description: "Directory for the dashboard's own state (sessions, audit log); created on first start.",
    defaultValue: './data',
    example: 'DATA_DIR=/var/lib/mastodash',
    schema: z.string().trim().min(1, 'must not be empty'),
  },
  AUDIT_RETENTION_DAYS: {
    description:
      'Audit records older than this many days are appended to a CSV file in DATA_DIR/audit-archive, then ' +
      'removed from the store (0 keeps them all in the store).',
    defaultValue: '365',
    example: 'AUDIT_RETENTION_DAYS=365',
    schema: wholeNumber(0, 36_500),
  },
  BACKUP_DIR: {
    description:
      'Where backups are written (one folder each: the database dump, .env.production, the compose file, their ' +
      'checksums). They hold every secret of the instance: keep the folder private. Default: DATA_DIR/backups.',
    example: 'BACKUP_DIR=/var/backups/mastodon',
    schema: z.string().trim().min(1, 'must not be empty').optional(),
  },
  BACKUP_KEEP: {
    description:
      'How many backups are kept; older ones are removed after each good backup, never to make room. The newest ' +
      'verified backup is always kept.',
    defaultValue: '7',
    example: 'BACKUP_KEEP=7',
    schema: wholeNumber(1, 1000),
  },
  BACKUP_REDIS: {
    description:
      "Whether a backup also holds Redis's dump.rdb: a BGSAVE through Mastodon's Redis, then /data/dump.rdb " +
      'copied from the redis service. Mastodon rebuilds its home feeds; the Sidekiq jobs still queued, scheduled or ' +
      'retrying are what is lost without it.',
    defaultValue: 'false',
    example: 'BACKUP_REDIS=true',
    schema: booleanFromEnv,
  },
  BACKUP_SCHEDULE: {
    description:
      "When backups run: a time of day in the server's time zone (03:30), a five-field cron expression " +
      '(30 3 * * *), or off.',
    defaultValue: '03:30',
    example: 'BACKUP_SCHEDULE=03:30',
    schema: z
      .string()
      .trim()
      .transform((text, context) => {
        try {
          return parseBackupSchedule(text);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  },
  ALERT_EMAIL_TO: {
    description:
      "Where alert e-mails go (comma-separated addresses). They are sent through Mastodon's own SMTP server " +
      '(SMTP_* from .env.production, or the environment).',
    example: 'ALERT_EMAIL_TO=admin@example.com',
    schema: z
      .string()
      .trim()
      .regex(/^[^\s@,<>]+@[^\s@,<>]+(\s*,\s*[^\s@,<>]+@[^\s@,<>]+)*$/, 'must be e-mail addresses separated by commas')
      .transform((value) => value.split(',').map((address) => address.trim()))
      .optional(),
  },
  ALERT_WEBHOOK_URL: {
    description:
      'A URL that receives each alert as an HTTP POST (ntfy, Gotify, a chat bridge). It may hold a token: the Alerts ' +
      'page masks its path, credentials and query values, logs and the audit keep its origin only.',
    example: 'ALERT_WEBHOOK_URL=https://ntfy.example.com/mastodon-alerts',
    secret: true,
    schema: httpUrl.optional(),
  },
  ALERT_WEBHOOK_FORMAT: {
    description:
      'json posts the documented JSON body (README, Alerts); ntfy posts plain text with ' +
      "ntfy's Title and Priority headers.",
    defaultValue: 'json',
    example: 'ALERT_WEBHOOK_FORMAT=ntfy',
    schema: z.enum(['json', 'ntfy'], { error: 'must be json or ntfy' }),
  },
  ALERT_INTERVAL_SECONDS: {
    description: 'How often the alert watcher re-checks the polled problems, while a channel is configured.',
    defaultValue: '60',
    example: 'ALERT_INTERVAL_SECONDS=60',
    schema: wholeNumber(10, 3600),
  },
  ALERT_AFTER_SECONDS: {
    description: 'A problem must hold this long before it sends a message, so that blips send nothing.',
    defaultValue: '120',
    example: 'ALERT_AFTER_SECONDS=120',
    schema: wholeNumber(0, 86_400),
  },
  ALERT_REPEAT_HOURS: {
    description: 'A problem that stays sends at most one reminder this often (0: no reminders).',
    defaultValue: '24',
    example: 'ALERT_REPEAT_HOURS=24',
    schema: wholeNumber(0, 8760),
  },
  ALERT_TIMEOUT_SECONDS: {
    description: 'How long one delivery (a whole SMTP conversation, or one webhook request) may take before it fails.',
    defaultValue: '10',
    example: 'ALERT_TIMEOUT_SECONDS=10',
    schema: wholeNumber(1, 120),
  },
  ALERT_LOCALE: {
    description:
      "The language of alert e-mails and webhooks: en or de. Unset: Mastodon's DEFAULT_LOCALE from .env.production " +
      '(a language the dashboard does not speak gives en).',
    example: 'ALERT_LOCALE=de',
    schema: z.enum(['en', 'de'], { error: 'must be en or de' }).optional(),
  },
} satisfies Record<string, ConfigKeySpec>;

export type DashboardKey = keyof typeof DASHBOARD_KEYS;

/**
 * Mastodon's own keys, read from MASTODON_DIR/.env.production (an explicit environment variable of the
 * same name wins). Only these are taken from that file: its PORT, for example, is Mastodon's, not ours.
 */
export const MASTODON_KEYS = [
  'LOCAL_DOMAIN',
  'DATABASE_URL',
  'DB_HOST',
  'DB_PORT',
  'DB_NAME',
  'DB_USER',
  'DB_PASS',
  'DB_SSLMODE',
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_DB',
  'REDIS_USER',
  'REDIS_PASSWORD',
  'REDIS_NAMESPACE',
  'CACHE_REDIS_URL',
  'CACHE_REDIS_HOST',
  'CACHE_REDIS_PORT',
  'CACHE_REDIS_DB',
  'CACHE_REDIS_USER',
  'CACHE_REDIS_PASSWORD',
  'SIDEKIQ_REDIS_URL',
  'SIDEKIQ_REDIS_HOST',
  'SIDEKIQ_REDIS_PORT',
  'SIDEKIQ_REDIS_DB',
  'SIDEKIQ_REDIS_USER',
  'SIDEKIQ_REDIS_PASSWORD',
  // Sentinel keys, per role, as mastodon/mastodon v4.3.0 lib/mastodon/redis_configuration.rb reads them.
  'REDIS_SENTINEL_MASTER',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_PORT',
  'REDIS_SENTINEL_USERNAME',
  'REDIS_SENTINEL_PASSWORD',
  'CACHE_REDIS_SENTINEL_MASTER',
  'CACHE_REDIS_SENTINELS',
  'CACHE_REDIS_SENTINEL_PORT',
  'CACHE_REDIS_SENTINEL_USERNAME',
  'CACHE_REDIS_SENTINEL_PASSWORD',
  'SIDEKIQ_REDIS_SENTINEL_MASTER',
  'SIDEKIQ_REDIS_SENTINELS',
  'SIDEKIQ_REDIS_SENTINEL_PORT',
  'SIDEKIQ_REDIS_SENTINEL_USERNAME',
  'SIDEKIQ_REDIS_SENTINEL_PASSWORD',
  'SINGLE_USER_MODE',
  // The instance's default language, the alerts' language unless ALERT_LOCALE says otherwise.
  'DEFAULT_LOCALE',
  'DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS',
  'EMAIL_DOMAIN_ALLOWLIST',
  'EMAIL_DOMAIN_WHITELIST',
  // Outgoing mail, for the alert e-mails: the keys of config/email.yml (production) in glitch-soc/mastodon v4.5.15.
  'SMTP_SERVER',
  'SMTP_PORT',
  'SMTP_LOGIN',
  'SMTP_PASSWORD',
  'SMTP_FROM_ADDRESS',
  'SMTP_DOMAIN',
  'SMTP_AUTH_METHOD',
  'SMTP_OPENSSL_VERIFY_MODE',
  'SMTP_ENABLE_STARTTLS',
  'SMTP_ENABLE_STARTTLS_AUTO',
  'SMTP_TLS',
  'SMTP_SSL',
  'SMTP_CA_FILE',
  'SMTP_DELIVERY_METHOD',
] as const;

export type MastodonKey = (typeof MASTODON_KEYS)[number];

export const SECRET_MASTODON_KEYS: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'DB_PASS',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'CACHE_REDIS_URL',
  'CACHE_REDIS_PASSWORD',
  'SIDEKIQ_REDIS_URL',
  'SIDEKIQ_REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'CACHE_REDIS_SENTINEL_PASSWORD',
  'SIDEKIQ_REDIS_SENTINEL_PASSWORD',
  'EMAIL_DOMAIN_ALLOWLIST',
  'EMAIL_DOMAIN_WHITELIST',
  'SMTP_PASSWORD',
]);
