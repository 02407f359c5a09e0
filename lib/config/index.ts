import 'server-only';

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';

import type { BackupSchedule } from './backup-schedule';
import { dropProcessSingleton, processSingleton } from '../process/singleton';
import type { AcceptedPeers } from './accepted-peers';
import { resolveAlertSettings, type AlertSettings } from './alert-channels';
import { parseEnvFile } from './env-file';
import { DASHBOARD_KEYS, MASTODON_KEYS, SECRET_MASTODON_KEYS, type DashboardKey, type MastodonKey } from './keys';
import { resolveMastodonConnections, type MastodonConnections, type MastodonValues } from './mastodon-connections';

export type { AcceptedPeers } from './accepted-peers';
export type { AlertSettings, SmtpAuthMethod, SmtpSecurity, SmtpSettings } from './alert-channels';
export type { MastodonConnections, PostgresTarget, RedisTarget } from './mastodon-connections';

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string; display: string }
  | { kind: 'tcp'; protocol: 'http' | 'https'; host: string; port: number; display: string };

export interface Config {
  server: {
    host: string;
    port: number;
    allowNonLoopback: boolean;
    isLoopback: boolean;
    /** Peers whose connections the server accepts at all (ACCEPT_CONNECTIONS_FROM). */
    acceptConnectionsFrom: AcceptedPeers;
  };
  composeProject: string;
  docker: DockerEndpoint & { timeoutMs: number; restartTimeoutMs: number };
  dataDir: string;
  auth: {
    username: string;
    passwordFile?: string;
    password?: string;
    sessionIdleMs: number;
    sessionMaxMs: number;
    reauthMs: number;
    loginLinkMs: number;
  };
  /** Days an audit record stays in the store before it is archived to CSV and removed; 0: never. */
  audit: { retentionDays: number };
  /** Host names accepted besides localhost, 127.0.0.1 and [::1] (lower case, port excluded unless given). */
  allowedHosts: string[];
  influx: {
    url?: string;
    database: string;
    token?: string;
    org?: string;
    bucket?: string;
    language: 'auto' | 'influxql' | 'flux';
    timeoutMs: number;
  };
  /** Telegraf's interval: the graphs' refresh and the live sampler's period. */
  metricsIntervalMs: number;
  mastodon: MastodonConnections & {
    dir?: string;
    envFile?: string;
    /** Base URLs of web and streaming for the health probes (no trailing slash); unset: found from the containers. */
    webUrl?: string;
    streamingUrl?: string;
    /** Which Mastodon keys came from .env.production and which from the environment (names only). */
    sources: Partial<Record<MastodonKey, 'env' | 'file'>>;
  };
  /** The alert channels (e-mail through Mastodon's SMTP server, a webhook) and the watcher's timing. */
  alerts: AlertSettings;
  /** Backups (lib/backups): where they go, how many stay, and when they run. */
  backups: { dir: string; keep: number; schedule: BackupSchedule; redis: boolean };
  /** Non-fatal remarks to print at start (never containing values of secret keys). */
  warnings: string[];
}

export interface ConfigProblem {
  key: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Mastodash cannot start: ${
        problems.length === 1 ? 'a configuration value is' : `${problems.length} configuration values are`
      } wrong.\n` + problems.map((problem) => `  ${problem.key}: ${problem.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  env: EnvSource;
  readFile?: (file: string) => string;
  cwd?: string;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

function parseDockerHost(value: string): DockerEndpoint {
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    return { kind: 'socket', socketPath, display: socketPath };
  }
  const url = new URL(value.replace(/^tcp:/, 'http:'));
  return {
    kind: 'tcp',
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: url.hostname,
    port: Number(url.port),
    display: `${url.hostname}:${url.port}`,
  };
}

function describeGot(key: string, raw: string | undefined, secret: boolean): string {
  if (raw === undefined) return '';
  if (secret) return ' (value hidden)';
  return ` (got ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)})`;
}

/** Pure: parses configuration from the given environment (and MASTODON_DIR's .env.production). */
export function loadConfig({
  env,
  readFile = (file) => readFileSync(file, 'utf8'),
  cwd = process.cwd(),
}: LoadConfigOptions): Config {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const parsed: Partial<Record<DashboardKey, unknown>> = {};

  for (const [key, spec] of Object.entries(DASHBOARD_KEYS) as [DashboardKey, (typeof DASHBOARD_KEYS)[DashboardKey]][]) {
    const raw = env[key] === '' ? undefined : env[key];
    const input = raw ?? ('defaultValue' in spec ? spec.defaultValue : undefined);
    const result = spec.schema.safeParse(input);
    if (result.success) {
      parsed[key] = result.data;
    } else {
      const reason = result.error.issues[0]?.message ?? 'is invalid';
      problems.push({
        key,
        message:
          `${reason}${describeGot(key, raw, 'secret' in spec && spec.secret === true)}; ` +
          `for example ${spec.example}`,
      });
    }
  }

  const host = parsed.HOST as string | undefined;
  const allowNonLoopback = parsed.ALLOW_NON_LOOPBACK === true;
  const isLoopback = host !== undefined && isLoopbackHost(host);
  if (host !== undefined && !isLoopback && !allowNonLoopback) {
    problems.push({
      key: 'HOST',
      message:
        `${JSON.stringify(host)} is not a loopback address, and the dashboard holds root on this server. ` +
        'Use HOST=127.0.0.1 and an SSH tunnel, or set ALLOW_NON_LOOPBACK=true only when a container runtime ' +
        'publishes it on 127.0.0.1',
    });
  } else if (host !== undefined && !isLoopback) {
    warnings.push(
      `Listening on ${host}, which is not loopback (ALLOW_NON_LOOPBACK=true). Publish it only on 127.0.0.1.`,
    );
    if ((parsed.ACCEPT_CONNECTIONS_FROM as AcceptedPeers | undefined)?.kind === 'any') {
      warnings.push(
        'ACCEPT_CONNECTIONS_FROM=any: every address that reaches this one may open the login page. ' +
          'In a container, set ACCEPT_CONNECTIONS_FROM=loopback,gateway (the image does).',
      );
    }
  }

  const mastodonDir = parsed.MASTODON_DIR as string | undefined;
  const fileValues = new Map<string, string>();
  let envFile: string | undefined;
  if (mastodonDir !== undefined) {
    envFile = path.resolve(cwd, mastodonDir, '.env.production');
    try {
      const parsedFile = parseEnvFile(readFile(envFile));
      parsedFile.values.forEach((value, key) => fileValues.set(key, value));
      if (parsedFile.unterminatedQuote) {
        const { line, key } = parsedFile.unterminatedQuote;
        warnings.push(
          `${envFile}: line ${line}: the quoted value of ${key} never closes. Compose refuses such a file ` +
            `("unterminated quoted value"); the dashboard read the lines before it only.`,
        );
      }
      if (parsedFile.malformedLines.length > 0) {
        warnings.push(`${envFile}: ignored lines that are not KEY=value: ${parsedFile.malformedLines.join(', ')}`);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({
        key: 'MASTODON_DIR',
        message:
          code === 'ENOENT'
            ? `${envFile} does not exist; MASTODON_DIR must be the directory holding Mastodon's ` +
              'docker-compose.yml and .env.production'
            : `cannot read ${envFile} (${code ?? 'error'}); the dashboard needs read access, e.g. a read-only mount`,
      });
    }
  }

  const mastodonValues: MastodonValues = {};
  const sources: Partial<Record<MastodonKey, 'env' | 'file'>> = {};
  for (const key of MASTODON_KEYS) {
    const fromEnv = env[key];
    if (fromEnv !== undefined && fromEnv !== '') {
      mastodonValues[key] = fromEnv;
      sources[key] = 'env';
    } else if (fileValues.has(key)) {
      mastodonValues[key] = fileValues.get(key);
      sources[key] = 'file';
    }
  }
  for (const key of [
    'DB_PORT',
    'REDIS_PORT',
    'REDIS_DB',
    'CACHE_REDIS_PORT',
    'CACHE_REDIS_DB',
    'SIDEKIQ_REDIS_PORT',
    'SIDEKIQ_REDIS_DB',
  ] as const) {
    const value = mastodonValues[key];
    if (value !== undefined && !/^\d+$/.test(value)) {
      problems.push({
        key,
        message:
          `must be a whole number${describeGot(key, value, SECRET_MASTODON_KEYS.has(key))}; ` +
          `for example ${key}=${key.endsWith('DB') ? '0' : key.startsWith('DB') ? '5432' : '6379'}`,
      });
    }
  }
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'CACHE_REDIS_URL', 'SIDEKIQ_REDIS_URL'] as const) {
    const value = mastodonValues[key];
    const scheme = key === 'DATABASE_URL' ? /^postgres(ql)?:\/\// : /^rediss?:\/\//;
    if (value !== undefined && (!scheme.test(value) || !URL.canParse(value))) {
      problems.push({
        key,
        message: `is not a valid URL (value hidden); for example ${key === 'DATABASE_URL' ? 'DATABASE_URL=postgresql://mastodon@db:5432/mastodon_production' : `${key}=redis://redis:6379/0`}`,
      });
    }
  }

  const alertResolution = resolveAlertSettings(
    {
      emailTo: parsed.ALERT_EMAIL_TO as string[] | undefined,
      webhookUrl: parsed.ALERT_WEBHOOK_URL as string | undefined,
      webhookFormat: parsed.ALERT_WEBHOOK_FORMAT as 'json' | 'ntfy',
      intervalSeconds: parsed.ALERT_INTERVAL_SECONDS as number,
      afterSeconds: parsed.ALERT_AFTER_SECONDS as number,
      repeatHours: parsed.ALERT_REPEAT_HOURS as number,
      timeoutSeconds: parsed.ALERT_TIMEOUT_SECONDS as number,
      locale: parsed.ALERT_LOCALE as 'en' | 'de' | undefined,
    },
    mastodonValues,
    readFile,
  );
  problems.push(...alertResolution.problems);
  warnings.push(...alertResolution.warnings);

  if (problems.length > 0) throw new ConfigError(problems);

  const connections = resolveMastodonConnections(mastodonValues);
  warnings.push(...connections.redisNotices);

  return {
    server: {
      host: host as string,
      port: parsed.PORT as number,
      allowNonLoopback,
      isLoopback,
      acceptConnectionsFrom: parsed.ACCEPT_CONNECTIONS_FROM as AcceptedPeers,
    },
    composeProject: parsed.COMPOSE_PROJECT as string,
    docker: {
      ...parseDockerHost(parsed.DOCKER_HOST as string),
      timeoutMs: parsed.DOCKER_TIMEOUT_MS as number,
      restartTimeoutMs: (parsed.RESTART_TIMEOUT_SECONDS as number) * 1000,
    },
    dataDir: path.resolve(cwd, parsed.DATA_DIR as string),
    auth: {
      username: parsed.DASHBOARD_USER as string,
      passwordFile:
        parsed.DASHBOARD_PASSWORD_FILE === undefined
          ? undefined
          : path.resolve(cwd, parsed.DASHBOARD_PASSWORD_FILE as string),
      password: parsed.DASHBOARD_PASSWORD as string | undefined,
      sessionIdleMs: (parsed.SESSION_IDLE_MINUTES as number) * 60_000,
      sessionMaxMs: (parsed.SESSION_MAX_HOURS as number) * 3_600_000,
      reauthMs: (parsed.REAUTH_MINUTES as number) * 60_000,
      loginLinkMs: (parsed.LOGIN_LINK_MINUTES as number) * 60_000,
    },
    audit: { retentionDays: parsed.AUDIT_RETENTION_DAYS as number },
    backups: {
      dir: path.resolve(
        cwd,
        (parsed.BACKUP_DIR as string | undefined) ?? path.join(parsed.DATA_DIR as string, 'backups'),
      ),
      keep: parsed.BACKUP_KEEP as number,
      schedule: parsed.BACKUP_SCHEDULE as BackupSchedule,
      redis: parsed.BACKUP_REDIS as boolean,
    },
    allowedHosts: (parsed.ALLOWED_HOSTS as string[] | undefined) ?? [],
    influx: {
      url: parsed.INFLUX_URL as string | undefined,
      database: parsed.INFLUX_DB as string,
      token: parsed.INFLUX_TOKEN as string | undefined,
      org: parsed.INFLUX_ORG as string | undefined,
      bucket: parsed.INFLUX_BUCKET as string | undefined,
      language: parsed.INFLUX_QUERY_LANGUAGE as 'auto' | 'influxql' | 'flux',
      timeoutMs: parsed.INFLUX_TIMEOUT_MS as number,
    },
    metricsIntervalMs: (parsed.METRICS_INTERVAL_SECONDS as number) * 1000,
    alerts: alertResolution.alerts,
    mastodon: {
      ...connections,
      dir: mastodonDir,
      envFile,
      sources,
      webUrl: (parsed.MASTODON_WEB_URL as string | undefined)?.replace(/\/+$/, ''),
      streamingUrl: (parsed.MASTODON_STREAMING_URL as string | undefined)?.replace(/\/+$/, ''),
    },
    warnings,
  };
}

/**
 * The configuration of this process, parsed once. The launcher (server/start.ts) parses it before Next
 * starts and leaves it here; Next's bundles then share that one parse instead of reading files again.
 */
export function getConfig(): Config {
  return processSingleton('config', () => loadConfig({ env: process.env }));
}

/** For tests: replace the process configuration. */
export function setConfigForTesting(config: Config | undefined): void {
  dropProcessSingleton('config');
  if (config) processSingleton('config', () => config);
}
