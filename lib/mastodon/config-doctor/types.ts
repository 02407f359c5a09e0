/** What the config doctor reads and what it reports. */
import type { Text } from '@/lib/i18n/text';

import type { ComposeFile } from '../compose-file';
import type { MastodonVersion } from '../version';

export type Severity = 'error' | 'warning' | 'info' | 'ok';

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'ok'];

export type HostOutcome =
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
  title: Text | string;
  why: Text | string;
  fix?: Text | string;
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
  envProblem?: Text;
  envFileName?: string;
  compose?: ComposeFile;
  composeFileName?: string;
  composeProblem?: { kind: 'missing' | 'invalid' | 'unreadable'; detail: Text };
  /** Override files Compose would merge in, which the doctor does not read. */
  overrideFiles?: string[];
  /** The running Mastodon version (lib/mastodon/running-version.ts); else the compose file's. */
  version?: MastodonVersion;
  /** Where `version` came from, in words. */
  versionFrom?: Text;
  /** Why the version is unknown, or a remark about how it was found (Docker not answering). */
  versionNote?: Text;
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
  mismatch?: Text;
  /** The address the dashboard would find with the key unset. */
  discovered?: string;
}
