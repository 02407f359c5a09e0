/**
 * The config doctor: checks Mastodon's `.env.production` and docker-compose file against what each
 * Mastodon version needs (mastodon.md §3, §4, §7, §12). Pure. A finding names keys, services, file
 * names, ports and versions, and says why something is missing or suspicious; it never carries a value
 * from the env file or from `environment:` (they hold the instance's secrets), not even a fragment. The one
 * exception is where web and streaming listen (PORT and BIND), which the probe-URL check must name.
 */
import { parseEnvFile } from '../config/env-file';
import { splitImageReference } from '../docker/container-view';
import { healthcheckText, type ComposeFile, type ComposePort, type ComposeService } from './compose-file';
import type { RunningVersion } from './running-version';
import { parseMastodonVersion, type MastodonVersion } from './version';
import { grepFindsMajor, grepMajorList, grepTarget, parseSidekiqGrep, type SidekiqGrepMajor } from './sidekiq-grep';
import { factsFor, firstReleaseWith, officialSidekiqGreps, since } from './version-facts';

export type Severity = 'error' | 'warning' | 'info' | 'ok';
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'ok'];

type HostOutcome =
  | 'ok'
  | 'unset'
  | 'socket'
  | 'loopback'
  | 'service-unreachable'
  | 'wrong-service'
  | 'service-on-host-network'
  | 'external'
  | 'unchecked';

export type FindingId =
  | 'env-missing'
  | 'env-malformed'
  | 'env-duplicate'
  | 'env-quoted'
  | 'env-value-quoted'
  | 'env-file-not-used'
  | 'compose-missing'
  | 'compose-invalid'
  | 'compose-override'
  | 'version-known'
  | 'version-unknown'
  | 'version-differs'
  | 'required-missing'
  | 'required-empty'
  | 'required-placeholder'
  | 'required-present'
  | 'redis-namespace-set'
  | 'redis-namespace-unset'
  | 'redis-user-ignored'
  | 'redis-sentinel-set'
  | 'local-domain-missing'
  | 'local-domain-malformed'
  | 'local-domain-set'
  | 'smtp-unset'
  | 'smtp-localhost'
  | 'smtp-set'
  | 'media-local'
  | 'media-s3'
  | 's3-enabled-unclear'
  | 's3-bucket-missing'
  | 's3-credentials-missing'
  | 'media-volume-missing'
  | `${'db' | 'redis'}-host-${HostOutcome}`
  | 'sidekiq-healthcheck-ok'
  | 'sidekiq-healthcheck-mismatch'
  | 'sidekiq-healthcheck-unchecked'
  | 'sidekiq-healthcheck-custom'
  | 'sidekiq-healthcheck-none'
  | 'port-backend-published'
  | 'port-public'
  | 'ports-ok'
  | 'backend-network-open'
  | 'backend-networks-internal'
  | 'probe-url-differs'
  | 'probe-url-matches';

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** The env key the finding is about, when there is one. */
  key?: string;
  /** The compose service the finding is about, when there is one. */
  service?: string;
  title: string;
  why: string;
  fix?: string;
}

export interface EnvFileLayout {
  /** Keys whose (last) assignment wraps the value in quotes. */
  quotedKeys: string[];
  /** Keys assigned more than once, with the line numbers. */
  duplicates: { key: string; lines: number[] }[];
  /** Lines that are neither blank, comments nor KEY=value. */
  malformedLines: number[];
}

export interface DoctorInput {
  /** `.env.production` as Compose v2 reads it (parseEnvFile); undefined when it could not be read. */
  env?: ReadonlyMap<string, string>;
  envLayout?: EnvFileLayout;
  /** Why there is no env: "…/.env.production does not exist". */
  envProblem?: string;
  envFileName?: string;
  compose?: ComposeFile;
  composeFileName?: string;
  composeProblem?: { kind: 'missing' | 'invalid' | 'unreadable'; detail: string };
  /** Override files Compose would merge in, which the doctor does not read. */
  overrideFiles?: string[];
  /** The running Mastodon version (lib/mastodon/running-version.ts); else the compose file's. */
  version?: MastodonVersion;
  /** Where `version` came from, in words. */
  versionFrom?: string;
  /** Why the version is unknown, or a remark about how it was found (Docker not answering). */
  versionNote?: string;
  /** The version the running sidekiq container has. */
  sidekiqVersion?: MastodonVersion;
  /** The dashboard's MASTODON_WEB_URL / MASTODON_STREAMING_URL, when set, against what the container listens on. */
  probeUrls?: ProbeUrlCheck[];
}

export interface ProbeUrlCheck {
  service: 'web' | 'streaming';
  key: string;
  url: string;
  container: string;
  /** Why the URL cannot reach the container (service-address.ts configuredUrlMismatch); undefined when it matches. */
  mismatch?: string;
  /** The address the dashboard would find with the key unset. */
  discovered?: string;
}

const ENV = '.env.production';
const AR_KEYS = [
  'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
  'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
  'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
] as const;
const MEDIA_DEFAULT = '/opt/mastodon/public/system';

// ---------------------------------------------------------------------------------------------
// Reading the env file's shape (not its values).

/** The values as Compose v2 passes them, plus the shape of the file: quoting, duplicates, malformed lines. */
export function describeEnvFile(text: string): { values: Map<string, string>; layout: EnvFileLayout } {
  const { values, malformedLines } = parseEnvFile(text);
  const lines = new Map<string, number[]>();
  const quoted = new Map<string, boolean>();
  text.split(/\r?\n/).forEach((line, index) => {
    const [entry] = parseEnvFile(line).values;
    if (!entry) return;
    const [key, value] = entry;
    lines.set(key, [...(lines.get(key) ?? []), index + 1]);
    const raw = line.slice(line.indexOf('=') + 1).trim();
    quoted.set(key, (raw.startsWith('"') || raw.startsWith("'")) && value !== raw);
  });
  return {
    values,
    layout: {
      quotedKeys: [...quoted].filter(([, isQuoted]) => isQuoted).map(([key]) => key),
      duplicates: [...lines].filter(([, at]) => at.length > 1).map(([key, at]) => ({ key, lines: at })),
      malformedLines,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Versions.

/** The Mastodon version named by a compose service's image tag, if it names one. */
export function composeImageVersion(
  compose: ComposeFile | undefined,
  serviceName: string,
): MastodonVersion | undefined {
  const image = compose?.services.find((service) => service.name === serviceName)?.image;
  return image === undefined ? undefined : parseMastodonVersion(splitImageReference(image).tag);
}

export interface ChosenVersion {
  version?: MastodonVersion;
  from?: string;
  note?: string;
  sidekiqVersion?: MastodonVersion;
}

/**
 * The version to check against: the running one (lib/mastodon/running-version.ts), else the one the compose
 * file's web (else sidekiq) image tag names, for a server whose containers do not exist yet.
 */
export function chooseVersion(
  running: RunningVersion | undefined,
  compose: ComposeFile | undefined,
  composeFileName = 'the compose file',
  sidekiq?: RunningVersion,
): ChosenVersion {
  const sidekiqVersion = sidekiq?.version;
  if (running?.version) {
    return { version: running.version, from: running.source, ...(sidekiqVersion ? { sidekiqVersion } : {}) };
  }
  const notes: string[] = running ? [running.problem] : [];
  for (const service of ['web', 'sidekiq']) {
    const version = composeImageVersion(compose, service);
    if (version)
      return {
        version,
        from: `the image of ${service} in ${composeFileName}`,
        note: notes.join('; '),
        ...(sidekiqVersion ? { sidekiqVersion } : {}),
      };
  }
  if (compose) notes.push(`the web image in ${composeFileName} has no version tag`);
  return { note: notes.join('; ') };
}

/** Sidekiq's major version inside the official image (mastodon.md §0). */
export function sidekiqMajor(version: MastodonVersion): number {
  return factsFor(version).sidekiqMajor;
}

// ---------------------------------------------------------------------------------------------
// Compose helpers.

const APP_SERVICES = ['web', 'sidekiq'] as const;

function serviceNamed(compose: ComposeFile | undefined, name: string): ComposeService | undefined {
  return compose?.services.find((service) => service.name === name);
}

function isMastodonImage(service: ComposeService): boolean {
  return /(^|\/)(mastodon\/mastodon|tootsuite\/mastodon)(:|@|$)/.test(service.image ?? '');
}

/** web, else sidekiq, else any service running the Mastodon (not the streaming) image. */
function appService(compose: ComposeFile | undefined): ComposeService | undefined {
  return serviceNamed(compose, 'web') ?? serviceNamed(compose, 'sidekiq') ?? compose?.services.find(isMastodonImage);
}

function isBackend(kind: 'db' | 'redis', service: ComposeService): boolean {
  const image = service.image ?? '';
  return kind === 'db'
    ? service.name === 'db' || /postgres|postgis/i.test(image)
    : service.name === 'redis' || /redis|valkey|keydb/i.test(image);
}

function isAppLike(service: ComposeService): boolean {
  return (
    ['web', 'sidekiq', 'streaming'].includes(service.name) ||
    isMastodonImage(service) ||
    /mastodon-streaming/.test(service.image ?? '')
  );
}

type Networking = { kind: 'host' } | { kind: 'networks'; networks: string[] } | { kind: 'other'; mode: string };

function networkingOf(service: ComposeService): Networking {
  if (service.networkMode === 'host') return { kind: 'host' };
  if (service.networkMode !== undefined && service.networkMode !== 'bridge')
    return { kind: 'other', mode: service.networkMode };
  return { kind: 'networks', networks: service.networks };
}

function sharedNetworks(a: ComposeService, b: ComposeService): string[] {
  if (a.networkMode !== undefined || b.networkMode !== undefined) return [];
  return a.networks.filter((network) => b.networks.includes(network));
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::1';
}

function normaliseContainerPath(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  return trimmed === '/mastodon' || trimmed.startsWith('/mastodon/') ? `/opt${trimmed}` : trimmed;
}

function mountsPath(service: ComposeService, path: string): boolean {
  const wanted = normaliseContainerPath(path);
  return service.volumes.some((volume) => {
    const target = normaliseContainerPath(volume.target);
    return volume.type !== 'tmpfs' && (wanted === target || wanted.startsWith(`${target}/`));
  });
}

function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// The checks.

interface Context {
  env: ReadonlyMap<string, string>;
  /** Keys whose effective value comes from the app service's `environment:` in the compose file. */
  fromCompose: ReadonlySet<string>;
  compose?: ComposeFile;
  composeName: string;
  envName: string;
  app?: ComposeService;
}

function where(ctx: Context, key: string): string {
  return ctx.fromCompose.has(key) ? `environment: of ${ctx.app?.name ?? 'web'} in ${ctx.composeName}` : ctx.envName;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

type VersionedCheck = (version: MastodonVersion | undefined) => Finding | undefined;

function requiredKeyCheck(ctx: Context, key: string): VersionedCheck {
  return (version) => {
    let rule: string;
    let certain = version !== undefined;
    if (key === 'SECRET_KEY_BASE') {
      rule = 'Rails signs sessions and cookies with it; every Mastodon version refuses to run without it.';
      certain = true;
    } else if (key === 'OTP_SECRET') {
      if (version && !factsFor(version).otpSecretRequired) return undefined;
      rule = `Mastodon before ${firstReleaseWith('otpSecretRequired', false)} reads it at boot (two-factor authentication secrets) and stops when it is missing; later releases no longer need it.`;
    } else {
      if (version && !factsFor(version).activeRecordEncryptionRequired) return undefined;
      rule = `From ${firstReleaseWith('activeRecordEncryptionRequired', true)} on, config/initializers/active_record_encryption.rb aborts the boot when any of the three ACTIVE_RECORD_ENCRYPTION_* keys is blank or ends with DO_NOT_USE_IN_PRODUCTION.`;
    }
    const severity: Severity = certain ? 'error' : 'warning';
    const versionWord = certain ? '' : ' (the version is unknown)';
    const generate =
      key === 'SECRET_KEY_BASE' || key === 'OTP_SECRET'
        ? `Generate one with: docker compose run --rm web bundle exec rails secret, and set ${key}= to it in ${ctx.envName}.`
        : `Generate the three keys with: docker compose run --rm web bin/rails db:encryption:init, and add them to ${ctx.envName}. Once set, never change them: they decrypt data already stored.`;
    const value = ctx.env.get(key);
    if (value === undefined)
      return {
        id: 'required-missing',
        severity,
        key,
        title: `${key} is missing${versionWord}`,
        why: rule,
        fix: generate,
      };
    if (value.trim() === '')
      return {
        id: 'required-empty',
        severity,
        key,
        title: `${key} is empty${versionWord}`,
        why: `It is present in ${where(ctx, key)} but has no value. ${rule}`,
        fix: generate,
      };
    if (AR_KEYS.includes(key as (typeof AR_KEYS)[number]) && value.trimEnd().endsWith('DO_NOT_USE_IN_PRODUCTION')) {
      return {
        id: 'required-placeholder',
        severity,
        key,
        title: `${key} is a development placeholder`,
        why: `The value ends with DO_NOT_USE_IN_PRODUCTION. ${rule}`,
        fix: generate,
      };
    }
    return {
      id: 'required-present',
      severity: 'ok',
      key,
      title: `${key} is set`,
      why: `Present in ${where(ctx, key)}.`,
    };
  };
}

function redisNamespaceCheck(ctx: Context): VersionedCheck {
  return (version) => {
    const value = ctx.env.get('REDIS_NAMESPACE');
    if (value === undefined) {
      return {
        id: 'redis-namespace-unset',
        severity: 'ok',
        key: 'REDIS_NAMESPACE',
        title: 'REDIS_NAMESPACE is not set',
        why: `Sidekiq and cache keys have no prefix, which is what Mastodon ${firstReleaseWith('redisNamespace', 'refused')} and later require.`,
      };
    }
    const esConfigured = ctx.env.get('ES_ENABLED') === 'true';
    const esNote =
      esConfigured && !isSet(ctx.env.get('ES_PREFIX'))
        ? ' Elasticsearch is enabled: set ES_PREFIX to the old namespace so the search indexes keep their names.'
        : '';
    const migrate = `Migrate the keys first (github.com/mastodon/redis_namespace_migration), then remove REDIS_NAMESPACE from ${where(ctx, 'REDIS_NAMESPACE')}.${esNote}`;
    const empty = value === '' ? ' It is set to an empty value, which counts as set.' : '';
    const refusedFrom = firstReleaseWith('redisNamespace', 'refused');
    if (!version || factsFor(version).redisNamespace === 'refused') {
      return {
        id: 'redis-namespace-set',
        severity: version ? 'error' : 'warning',
        key: 'REDIS_NAMESPACE',
        title: version
          ? `REDIS_NAMESPACE is set: Mastodon ${version.text} refuses to boot`
          : 'REDIS_NAMESPACE is set (the version is unknown)',
        why: `From ${refusedFrom} on, config/initializers/deprecations.rb aborts with "the REDIS_NAMESPACE environment variable is no longer supported" whenever the variable exists.${empty}`,
        fix: migrate,
      };
    }
    return {
      id: 'redis-namespace-set',
      // The last line that honours it warns: the next upgrade is the one that refuses.
      severity: version.minor + 1 === parseMastodonVersion(refusedFrom ?? '')?.minor ? 'warning' : 'info',
      key: 'REDIS_NAMESPACE',
      title: `REDIS_NAMESPACE is set: an upgrade to ${refusedFrom} needs a key migration`,
      why: `On ${version.text} it prefixes every Sidekiq key and the cache namespace (the last releases that honour it print a deprecation warning). Mastodon ${refusedFrom} refuses to boot while it is set.${empty}`,
      fix: `Before upgrading to ${refusedFrom}: ${migrate}`,
    };
  };
}

const REDIS_PREFIXES = ['', 'CACHE_', 'SIDEKIQ_'] as const;

/**
 * The *_REDIS_USER and *_SENTINEL* keys: newer releases read them (setup_config, setup_sentinels), older ones build
 * their Redis URLs from host, port, db and password only. Mastodash recognises Sentinel but does not follow it yet.
 */
function redisUserAndSentinelCheck(ctx: Context): VersionedCheck {
  return (version) => {
    const users = REDIS_PREFIXES.map((prefix) => `${prefix}REDIS_USER`).filter((key) => isSet(ctx.env.get(key)));
    const sentinels = REDIS_PREFIXES.map((prefix) => `${prefix}REDIS_SENTINEL_MASTER`).filter((key) =>
      isSet(ctx.env.get(key)),
    );
    if (users.length === 0 && sentinels.length === 0) return undefined;
    const honouredFrom = since('redisUserAndSentinel', true);
    const keys = [...users, ...sentinels];
    if (version && !factsFor(version).redisUserAndSentinel) {
      return {
        id: 'redis-user-ignored',
        severity: 'warning',
        key: keys[0]!,
        title: `Mastodon ${version.text} ignores ${keys.join(', ')}`,
        why: `Mastodon reads the Redis user and the Sentinel keys from ${honouredFrom} on (lib/mastodon/redis_configuration.rb); ${version.text} connects with host, port, database and password only, so a Redis that requires this user refuses it.`,
        fix: `Put the user into REDIS_URL (redis://user:password@host:port/db), or upgrade to ${honouredFrom} or later.`,
      };
    }
    if (sentinels.length > 0) {
      return {
        id: 'redis-sentinel-set',
        severity: 'info',
        key: sentinels[0]!,
        title: `Redis Sentinel is configured (${sentinels.join(', ')})`,
        why: `Mastodon ${version ? version.text : `${honouredFrom} and later`} asks the Sentinels for the master. Mastodash recognises these keys but still connects to the REDIS_HOST/REDIS_URL it reads, not to the Sentinels' master.`,
      };
    }
    return undefined;
  };
}

/** Runs a version-dependent check for the running version and, when the compose file names another one, for that too; the worse result wins. */
function versioned(
  check: VersionedCheck,
  running: MastodonVersion | undefined,
  upcoming: MastodonVersion | undefined,
): Finding | undefined {
  const now = check(running);
  if (!upcoming || !running || upcoming.text === running.text) return now;
  const next = check(upcoming);
  if (!next || (now && SEVERITY_ORDER.indexOf(now.severity) <= SEVERITY_ORDER.indexOf(next.severity))) return now;
  return {
    ...next,
    title: `${next.title} (once v${upcoming.text} from the compose file runs)`,
    why: `${next.why} The running containers are ${running.text}, but the compose file names ${upcoming.text}: the next "docker compose up -d" starts that version.`,
  };
}

function localDomainCheck(ctx: Context): Finding {
  const value = ctx.env.get('LOCAL_DOMAIN');
  if (!isSet(value)) {
    return {
      id: 'local-domain-missing',
      severity: 'error',
      key: 'LOCAL_DOMAIN',
      title: value === undefined ? 'LOCAL_DOMAIN is missing' : 'LOCAL_DOMAIN is empty',
      why: 'Without it Mastodon names itself localhost:3000 (config/initializers/1_hosts.rb), and the domain becomes part of every account and post: it cannot be changed once the server has federated.',
      fix: `Set LOCAL_DOMAIN=your.domain in ${ctx.envName} before the first start.`,
    };
  }
  const problems: string[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) problems.push('it starts with a scheme such as https://');
  if (/\s/.test(value.trim())) problems.push('it contains a space');
  if (/\/./.test(value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')) || value.endsWith('/'))
    problems.push('it contains a path (/)');
  if (value !== value.trim()) problems.push('it has leading or trailing spaces');
  if (/["']/.test(value)) problems.push('it contains quote characters');
  if (problems.length > 0) {
    return {
      id: 'local-domain-malformed',
      severity: 'warning',
      key: 'LOCAL_DOMAIN',
      title: 'LOCAL_DOMAIN does not look like a bare domain name',
      why: `LOCAL_DOMAIN must be a host name only (like example.social); ${list(problems)}.`,
      fix: 'Write the domain alone, without scheme, path or spaces. If the server has already federated, do not change it; ask for help instead.',
    };
  }
  return {
    id: 'local-domain-set',
    severity: 'ok',
    key: 'LOCAL_DOMAIN',
    title: 'LOCAL_DOMAIN is set',
    why: `A bare domain name in ${where(ctx, 'LOCAL_DOMAIN')}.`,
  };
}

function smtpCheck(ctx: Context): Finding {
  const server = ctx.env.get('SMTP_SERVER');
  if (!isSet(server)) {
    return {
      id: 'smtp-unset',
      severity: 'warning',
      key: 'SMTP_SERVER',
      title: 'No outgoing mail server (SMTP_SERVER is not set)',
      why: 'Mastodon sends sign-up confirmations, password resets and moderation notices by mail; without a server they are never delivered.',
      fix: `Set SMTP_SERVER, SMTP_PORT (587), SMTP_LOGIN, SMTP_PASSWORD and SMTP_FROM_ADDRESS in ${ctx.envName}, then restart web and sidekiq.`,
    };
  }
  const networking = ctx.app ? networkingOf(ctx.app) : undefined;
  if (isLoopbackHost(server) && networking && networking.kind !== 'host') {
    return {
      id: 'smtp-localhost',
      severity: 'warning',
      key: 'SMTP_SERVER',
      title: 'SMTP_SERVER points at the container itself',
      why: `It names a loopback address, but ${ctx.app?.name ?? 'web'} does not use the host network: inside the container, localhost is the container, where no mail server listens.`,
      fix: 'Use the mail server’s host name, or the Docker host’s address on the compose network if the relay runs on the server (and let it accept that network).',
    };
  }
  return {
    id: 'smtp-set',
    severity: 'ok',
    key: 'SMTP_SERVER',
    title: 'Outgoing mail is configured',
    why: `SMTP_SERVER is set in ${where(ctx, 'SMTP_SERVER')}.`,
  };
}

function mediaChecks(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  const raw = ctx.env.get('S3_ENABLED');
  const s3 = raw === 'true';
  if (raw !== undefined && raw !== 'true' && raw !== 'false' && raw !== '') {
    findings.push({
      id: 's3-enabled-unclear',
      severity: 'warning',
      key: 'S3_ENABLED',
      title: 'S3_ENABLED is neither true nor false',
      why: 'Mastodon compares it with the exact word true; any other spelling (True, yes, 1) means media stay on local disk.',
      fix: 'Write S3_ENABLED=true or S3_ENABLED=false.',
    });
  }
  if (s3) {
    if (!isSet(ctx.env.get('S3_BUCKET'))) {
      findings.push({
        id: 's3-bucket-missing',
        severity: 'error',
        key: 'S3_BUCKET',
        title: 'S3 is enabled but S3_BUCKET is not set',
        why: 'With S3_ENABLED=true, uploads go to the bucket named by S3_BUCKET; without it they fail.',
        fix: `Set S3_BUCKET (and S3_ENDPOINT or S3_REGION for your provider) in ${ctx.envName}.`,
      });
    }
    const missingCredentials = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].filter((key) => !isSet(ctx.env.get(key)));
    if (missingCredentials.length > 0) {
      findings.push({
        id: 's3-credentials-missing',
        severity: 'warning',
        key: missingCredentials[0],
        title: `S3 is enabled but ${list(missingCredentials)} ${missingCredentials.length === 1 ? 'is' : 'are'} not set`,
        why: 'Uploads to the bucket need credentials, unless the server gets them from its cloud provider (an instance role).',
        fix: `Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in ${ctx.envName}.`,
      });
    }
    findings.push({
      id: 'media-s3',
      severity: 'info',
      key: 'S3_ENABLED',
      title: 'Media are stored in object storage (S3)',
      why: 'S3_ENABLED=true: uploads and cached remote media go to the bucket; the public/system folder is not used for them.',
    });
    return findings;
  }
  const rootPath = ctx.env.get('PAPERCLIP_ROOT_PATH');
  const mediaPath = isSet(rootPath) ? rootPath.replace(':rails_root', '/opt/mastodon') : MEDIA_DEFAULT;
  const mounted: string[] = [];
  const unmounted: string[] = [];
  for (const name of APP_SERVICES) {
    const service = serviceNamed(ctx.compose, name);
    if (service) (mountsPath(service, mediaPath) ? mounted : unmounted).push(name);
  }
  const pathWords = isSet(rootPath) ? 'the folder PAPERCLIP_ROOT_PATH names' : 'public/system';
  findings.push({
    id: 'media-local',
    severity: 'info',
    key: 'S3_ENABLED',
    title: 'Media are stored on the server’s disk',
    why: `S3_ENABLED is ${raw === undefined ? 'not set' : 'not true'}, so uploads and cached remote media are written to ${pathWords}${mounted.length > 0 ? `, which ${list(mounted)} mount${mounted.length === 1 ? 's' : ''} from the host` : ''}. Include that folder in backups and watch the disk space it takes.`,
  });
  if (ctx.compose && unmounted.length > 0) {
    findings.push({
      id: 'media-volume-missing',
      severity: 'error',
      service: unmounted[0],
      title: `${list(unmounted)} ${unmounted.length === 1 ? 'does' : 'do'} not mount the media folder`,
      why: `Media are on local disk, but ${list(unmounted)} in ${ctx.composeName} ${unmounted.length === 1 ? 'has' : 'have'} no volume on ${pathWords}: files are written inside the container and lost when it is recreated, and web and sidekiq do not see each other’s files.`,
      fix: 'Add "- ./public/system:/mastodon/public/system" under volumes: of web and sidekiq, as the official compose file does.',
    });
  }
  return findings;
}

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

/** The host Mastodon connects to for Postgres: DATABASE_URL's (Rails merges it over DB_*), else DB_HOST (unset means localhost). */
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

/** Redis hosts Mastodon connects to: the main one (REDIS_URL wins over REDIS_HOST), and the cache and Sidekiq ones when set. */
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

function hostCheck(ctx: Context, kind: 'db' | 'redis', target: HostTarget): Finding {
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
        ? `${key} is a Unix socket directory (the sample's value for installs without Docker). In a Docker deployment that directory does not exist inside the containers.`
        : kindOf === 'loopback'
          ? `${key} names a loopback address. Inside a Docker container that is the container itself, unless it uses the host network.`
          : `${unsetWords}. Inside a Docker container that is the container itself.`;
    return finding(
      kindOf === 'socket' ? 'socket' : kindOf === 'loopback' ? 'loopback' : 'unset',
      'warning',
      `${key} may not reach ${label} from a container`,
      why,
      `In the official Docker setup, ${key === 'DB_HOST' ? 'DB_HOST=db' : key === 'REDIS_HOST' ? 'REDIS_HOST=redis' : `${key} names the compose service`}.`,
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
      `${key} is a socket directory (the sample's value for installs without Docker). Inside the ${appName} container that directory does not exist${backend ? `; ${label} runs as the compose service ${backend.name}` : ''}.`,
      suggestion ?? `Set ${key} to the host name of your ${label} server.`,
    );
  }
  if (networking.kind === 'host') {
    if (kindOf === 'unset' || kindOf === 'loopback') {
      return finding(
        'ok',
        'ok',
        `${key} reaches ${label} on this server`,
        `${appName} uses the host network (network_mode: host), so ${kindOf === 'unset' ? 'the default localhost' : 'a loopback address'} is the server itself.`,
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
      `${kindOf === 'unset' ? unsetWords : `${key} names a loopback address`}, but inside the ${appName} container localhost is the container, where no ${label} listens.`,
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
        `${key} names the compose service ${named.name}, but ${appName} and ${named.name} share no network in ${ctx.composeName}${named.networkMode ? ` (${named.name} uses network_mode: ${named.networkMode})` : ''}.`,
        `Put both on the same network; the official file puts ${named.name} on internal_network and ${appName} on internal_network and external_network.`,
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
      `${ctx.composeName} runs ${label} as ${backend.name}, but ${key} names another host, so Mastodon does not use it.`,
      `${suggestion ?? ''} Keep it only if an external ${label} server is intended; the ${backend.name} service is then unused.`,
    );
  }
  return finding(
    'external',
    'info',
    `${key} names an external ${label} server`,
    `No ${label} service is in ${ctx.composeName}; make sure that host is reachable from the containers.`,
  );
}

/** What a compose health check command greps for (sidekiq-grep.ts); undefined when it is not the Sidekiq grep. */
export function sidekiqGrepMajor(command: string): SidekiqGrepMajor | undefined {
  return parseSidekiqGrep(command)?.major;
}

function sidekiqHealthcheckCheck(ctx: Context, fallback: MastodonVersion | undefined): Finding | undefined {
  const sidekiq = serviceNamed(ctx.compose, 'sidekiq');
  if (!sidekiq) return undefined;
  const finding = (id: FindingId, severity: Severity, title: string, why: string, fix?: string): Finding => ({
    id,
    severity,
    service: 'sidekiq',
    title,
    why,
    ...(fix ? { fix } : {}),
  });
  const command = sidekiq.healthcheck?.disabled ? undefined : healthcheckText(sidekiq.healthcheck?.test);
  if (command === undefined) {
    return finding(
      'sidekiq-healthcheck-none',
      'info',
      'sidekiq has no health check',
      `Docker will not report sidekiq as unhealthy when it stops working; the official file checks for the process with ps and grep.`,
    );
  }
  const check = parseSidekiqGrep(command);
  if (check === undefined) {
    return finding(
      'sidekiq-healthcheck-custom',
      'info',
      'sidekiq has a custom health check',
      'It is not the official ps | grep check, so Mastodash does not compare it with the Sidekiq version.',
    );
  }
  const majors = grepMajorList(check);
  if (majors === 'any') {
    return finding(
      'sidekiq-healthcheck-ok',
      'ok',
      'The sidekiq health check matches any Sidekiq version',
      'It greps for [s]idekiq followed by any digit, so Sidekiq upgrades do not break it.',
    );
  }
  const version = composeImageVersion(ctx.compose, 'sidekiq') ?? fallback;
  if (!version) {
    return finding(
      'sidekiq-healthcheck-unchecked',
      'info',
      'The sidekiq health check could not be compared',
      `It looks for Sidekiq ${majors.join(' or ')}, but the sidekiq image names no version.`,
    );
  }
  const expected = sidekiqMajor(version);
  if (grepFindsMajor(check, expected)) {
    const official = officialSidekiqGreps(version).includes(grepTarget(check))
      ? ` It is the check the official compose file of Mastodon ${version.text} ships.`
      : '';
    return finding(
      'sidekiq-healthcheck-ok',
      'ok',
      `The sidekiq health check looks for Sidekiq ${majors.join(' or ')}`,
      `Mastodon ${version.text} runs Sidekiq ${expected}.${official}`,
    );
  }
  return finding(
    'sidekiq-healthcheck-mismatch',
    'warning',
    `The sidekiq health check looks for Sidekiq ${majors.join(' or ')}, but Mastodon ${version.text} runs Sidekiq ${expected}`,
    `The check runs ps aux | grep '${check.grep}', which never matches Sidekiq ${expected}'s process title, so Docker shows sidekiq as unhealthy for ever although it works (an old compose file with a newer image: mastodon/mastodon#34879).`,
    `In the healthcheck of sidekiq, replace ${check.grep} with [s]idekiq\\ ${expected}, or with [s]idekiq\\ [0-9] to match any version, then run docker compose up -d sidekiq.`,
  );
}

function isEveryInterface(port: ComposePort): boolean {
  return (
    port.hostIp === undefined ||
    port.hostIp === '' ||
    port.hostIp === '0.0.0.0' ||
    port.hostIp === '::' ||
    port.hostIp === '[::]'
  );
}

function describePort(port: ComposePort): string {
  const published = port.published ?? 'a random port';
  return `${published}→${port.target}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}

function portChecks(ctx: Context): Finding[] {
  if (!ctx.compose) return [];
  const findings: Finding[] = [];
  let published = 0;
  for (const service of ctx.compose.services) {
    if (service.ports.length === 0) continue;
    published += service.ports.length;
    const backendKind = isBackend('db', service) ? 'db' : isBackend('redis', service) ? 'redis' : undefined;
    if (backendKind) {
      const open = service.ports.filter(isEveryInterface);
      findings.push({
        id: 'port-backend-published',
        severity: 'error',
        service: service.name,
        title: `${service.name} publishes ${plural(service.ports.length, 'port')}${open.length > 0 ? ' on every interface' : ''}`,
        why: `${service.name} should live only on internal_network and publish nothing; the web and sidekiq containers reach it by service name. ${
          backendKind === 'db'
            ? 'The stock Postgres uses trust authentication: anyone who reaches the port is in without a password.'
            : 'Redis holds sessions, caches and Sidekiq jobs, and the stock one has no password.'
        }${open.length > 0 ? ' Bound to every interface, it is reachable from the internet unless a firewall stops it (and host firewalls such as ufw usually do not filter Docker-published ports).' : ''}`,
        fix: `Remove the ports: section of ${service.name} in ${ctx.composeName}, then run docker compose up -d ${service.name}.`,
      });
      continue;
    }
    const open = service.ports.filter(isEveryInterface);
    if (open.length > 0) {
      findings.push({
        id: 'port-public',
        severity: 'warning',
        service: service.name,
        title: `${service.name} publishes ${open.map(describePort).join(', ')} on every interface`,
        why: `Without a host address (or with 0.0.0.0) Docker listens on all interfaces, so ${service.name} is reachable from outside without the reverse proxy and TLS in front. Host firewalls such as ufw usually do not filter Docker-published ports.`,
        fix: `Bind it to loopback, as the official file does: "127.0.0.1:${open[0]?.published ?? open[0]?.target}:${open[0]?.target}".`,
      });
    }
  }
  if (findings.length === 0) {
    findings.push({
      id: 'ports-ok',
      severity: 'ok',
      title: published === 0 ? 'No ports are published' : 'Published ports are bound to loopback',
      why:
        published === 0
          ? 'Nothing in the compose file listens outside Docker.'
          : 'Only the server itself (and the reverse proxy on it) can reach them; db and redis publish nothing.',
    });
  }
  return findings;
}

function backendNetworkChecks(ctx: Context): Finding[] {
  if (!ctx.compose) return [];
  const findings: Finding[] = [];
  let checked = 0;
  for (const service of ctx.compose.services.filter(
    (candidate) => isBackend('db', candidate) || isBackend('redis', candidate),
  )) {
    if (service.networkMode !== undefined) continue;
    checked++;
    const open = service.networks.filter(
      (name) => !ctx.compose?.networks.find((network) => network.name === name)?.internal,
    );
    if (open.length > 0) {
      findings.push({
        id: 'backend-network-open',
        severity: 'info',
        service: service.name,
        title: `${service.name} is on a network with outside access`,
        why: `${service.name} joins ${list(open)}, which is not internal: true. The official file keeps db and redis only on internal_network, which has no route out.`,
        fix: `Under networks: of ${service.name}, list only internal_network (declared with internal: true).`,
      });
    }
  }
  if (checked > 0 && findings.length === 0) {
    findings.push({
      id: 'backend-networks-internal',
      severity: 'ok',
      title: 'db and redis are only on internal networks',
      why: 'Their networks are declared internal: true, as in the official file.',
    });
  }
  return findings;
}

function envShapeChecks(ctx: Context, layout: EnvFileLayout | undefined): Finding[] {
  const findings: Finding[] = [];
  if (layout && layout.malformedLines.length > 0) {
    findings.push({
      id: 'env-malformed',
      severity: 'warning',
      title: `${plural(layout.malformedLines.length, 'line')} of ${ctx.envName} ${layout.malformedLines.length === 1 ? 'is' : 'are'} not KEY=value`,
      why: `Line${layout.malformedLines.length === 1 ? '' : 's'} ${list(layout.malformedLines.map(String))}: neither a comment nor an assignment. Compose refuses or skips such lines, so what was meant there does not reach Mastodon.`,
      fix: 'Comment them out with # or write them as KEY=value.',
    });
  }
  for (const duplicate of layout?.duplicates ?? []) {
    findings.push({
      id: 'env-duplicate',
      severity: 'warning',
      key: duplicate.key,
      title: `${duplicate.key} is set ${duplicate.lines.length} times`,
      why: `On lines ${list(duplicate.lines.map(String))} of ${ctx.envName}; Compose uses the last one, so an edit to an earlier line has no effect.`,
      fix: 'Keep one line for it.',
    });
  }
  if (layout && layout.quotedKeys.length > 0) {
    const keys = layout.quotedKeys;
    findings.push({
      id: 'env-quoted',
      severity: 'warning',
      title: `${plural(keys.length, 'value')} in ${ctx.envName} ${keys.length === 1 ? 'is' : 'are'} wrapped in quotes`,
      why: `${list(keys)}. Mastodon's sample file warns that docker compose takes values verbatim, quotes included (mastodon/mastodon#16895): docker-compose v1 and "docker run --env-file" pass the quotes on as part of the value. Docker Compose v2 removes one matching pair, so the quotes are harmless only as long as this file is read by Compose v2.`,
      fix: 'Remove the surrounding quotes. A value that contains " #" must then be changed or kept quoted, because Compose reads an unquoted " #" as the start of a comment.',
    });
  }
  for (const [key, value] of ctx.env) {
    const wrapped = /^(["'])[^]*\1$/.test(value) && value.length >= 2;
    if (wrapped || /^["']/.test(value)) {
      findings.push({
        id: 'env-value-quoted',
        severity: 'warning',
        key,
        title: `${key} reaches Mastodon with quote characters in it`,
        why: wrapped
          ? `Even after Compose has removed one pair of quotes from ${where(ctx, key)}, the value is still wrapped in quotes (a doubled pair), so the quotes become part of what Mastodon uses.`
          : `The value in ${where(ctx, key)} opens a quote that never closes, so the quote character becomes part of what Mastodon uses.`,
        fix: 'Write the value with at most one pair of surrounding quotes, or none.',
      });
    }
  }
  return findings;
}

function envFileUsedCheck(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  for (const name of APP_SERVICES) {
    const service = serviceNamed(ctx.compose, name);
    if (!service) continue;
    const uses = service.envFiles.some((file) => file.replace(/^\.\//, '') === ctx.envName);
    if (!uses) {
      findings.push({
        id: 'env-file-not-used',
        severity: 'error',
        service: name,
        title: `${name} does not read ${ctx.envName}`,
        why: `${name} in ${ctx.composeName} has ${service.envFiles.length === 0 ? 'no env_file:' : `env_file: naming other files`}, so the settings checked here do not reach it.`,
        fix: `Add "env_file: ${ctx.envName}" to ${name}, as the official file does.`,
      });
    }
  }
  return findings;
}

function probeUrlChecks(checks: readonly ProbeUrlCheck[]): Finding[] {
  return checks.map((check): Finding =>
    check.mismatch
      ? {
          id: 'probe-url-differs',
          severity: 'warning',
          key: check.key,
          service: check.service,
          title: `${check.key} does not match where ${check.service} listens`,
          why: `${check.key}=${check.url}: ${check.mismatch}. The Mastodon panel then reports ${check.service} as not answering while Docker calls it healthy.`,
          fix: `Set ${check.key} to the address ${check.container} listens on${check.discovered ? ` (${check.discovered} from this dashboard)` : ''}, or unset it: the dashboard then finds the address from the container.`,
        }
      : {
          id: 'probe-url-matches',
          severity: 'ok',
          key: check.key,
          service: check.service,
          title: `${check.key} matches where ${check.service} listens`,
          why: `${check.url} names the port ${check.container} listens on.`,
        },
  );
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.finding.severity) - SEVERITY_ORDER.indexOf(b.finding.severity) || a.index - b.index,
    )
    .map(({ finding }) => finding);
}

/** Every check on the env file and the compose file, most severe first. */
export function diagnoseConfig(input: DoctorInput): Finding[] {
  const findings: Finding[] = [];
  const envName = input.envFileName ?? ENV;
  const composeName = input.composeFileName ?? 'docker-compose.yml';
  const compose = input.compose;

  if (input.composeProblem) {
    findings.push(
      input.composeProblem.kind === 'invalid'
        ? {
            id: 'compose-invalid',
            severity: 'warning',
            title: `${composeName} could not be read`,
            why: `${input.composeProblem.detail}. The checks that compare the env file with the compose services were skipped.`,
            fix: `Run "docker compose config -q" in the Mastodon directory to see whether Compose accepts the file.`,
          }
        : {
            id: 'compose-missing',
            severity: 'info',
            title: 'No compose file was read',
            why: `${input.composeProblem.detail}. Health checks, ports, networks and service names were not checked.`,
          },
    );
  }
  for (const file of input.overrideFiles ?? []) {
    findings.push({
      id: 'compose-override',
      severity: 'info',
      title: `${file} is not checked`,
      why: `Compose merges ${file} over ${composeName}; the doctor reads only ${composeName}, so a setting changed there is not reflected here.`,
    });
  }

  const upcoming =
    input.version && compose
      ? (composeImageVersion(compose, 'web') ?? composeImageVersion(compose, 'sidekiq'))
      : undefined;
  if (input.version) {
    findings.push({
      id: 'version-known',
      severity: 'info',
      title: `Checked against Mastodon ${input.version.text}`,
      why: `The version comes from ${input.versionFrom ?? 'the image tag'}${input.versionNote ? ` (${input.versionNote})` : ''}.`,
    });
    if (upcoming && upcoming.text !== input.version.text) {
      findings.push({
        id: 'version-differs',
        severity: 'info',
        title: `${composeName} names ${upcoming.text}, the running containers are ${input.version.text}`,
        why: 'The compose file was changed after the containers were created. Version rules are checked for both.',
        fix: 'When the upgrade is intended, follow its release notes (migrations) and run docker compose up -d.',
      });
    }
  } else {
    findings.push({
      id: 'version-unknown',
      severity: 'warning',
      title: 'The Mastodon version is unknown',
      why: `${input.versionNote ? `${input.versionNote[0]?.toUpperCase()}${input.versionNote.slice(1)}. ` : ''}Keys whose rules differ between versions are reported as warnings instead of errors.`,
      fix: 'Pin the image as ghcr.io/mastodon/mastodon:vX.Y.Z in the compose file, as the official file does.',
    });
  }

  const app = appService(compose);
  if (!input.env) {
    findings.push({
      id: 'env-missing',
      severity: 'error',
      title: `${envName} could not be read`,
      why: `${input.envProblem ?? `${envName} is missing`}. Every container of the official setup reads its settings from it.`,
      fix: `Create it with the setup wizard (docker compose run --rm web bundle exec rake mastodon:setup), or give Mastodash read access to it.`,
    });
  }

  // What Mastodon sees: the env file, overridden by environment: of the app service (Compose gives it precedence).
  const env = new Map(input.env ?? []);
  const fromCompose = new Set<string>();
  for (const [key, value] of app?.environment ?? []) {
    if (value === undefined) continue;
    env.set(key, value);
    fromCompose.add(key);
  }
  const ctx: Context = { env, fromCompose, compose, composeName, envName, ...(app ? { app } : {}) };

  if (input.env) {
    findings.push(...envShapeChecks(ctx, input.envLayout));
    findings.push(...envFileUsedCheck(ctx));
    for (const key of ['SECRET_KEY_BASE', 'OTP_SECRET', ...AR_KEYS]) {
      const finding = versioned(requiredKeyCheck(ctx, key), input.version, upcoming);
      if (finding) findings.push(finding);
    }
    const namespace = versioned(redisNamespaceCheck(ctx), input.version, upcoming);
    if (namespace) findings.push(namespace);
    const redisKeys = versioned(redisUserAndSentinelCheck(ctx), input.version, upcoming);
    if (redisKeys) findings.push(redisKeys);
    findings.push(localDomainCheck(ctx));
    findings.push(hostCheck(ctx, 'db', databaseHost(env)));
    for (const target of redisHosts(env)) findings.push(hostCheck(ctx, 'redis', target));
    findings.push(smtpCheck(ctx));
    findings.push(...mediaChecks(ctx));
  }
  const sidekiqFinding = sidekiqHealthcheckCheck(ctx, input.sidekiqVersion ?? input.version);
  if (sidekiqFinding) findings.push(sidekiqFinding);
  findings.push(...portChecks(ctx));
  findings.push(...backendNetworkChecks(ctx));
  findings.push(...probeUrlChecks(input.probeUrls ?? []));
  return sortFindings(findings);
}

export interface DoctorSummary {
  problems: number;
  warnings: number;
  notes: number;
  passed: number;
}

export function summarizeFindings(findings: readonly Finding[]): DoctorSummary {
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  return { problems: count('error'), warnings: count('warning'), notes: count('info'), passed: count('ok') };
}

/** "2 problems, 3 warnings, 14 checks passed". */
export function summaryLine(summary: DoctorSummary): string {
  const parts = [plural(summary.problems, 'problem'), plural(summary.warnings, 'warning')];
  if (summary.notes > 0) parts.push(plural(summary.notes, 'note'));
  parts.push(`${plural(summary.passed, 'check')} passed`);
  return parts.join(', ');
}
