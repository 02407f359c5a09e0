/**
 * The config doctor: checks Mastodon's `.env.production` and docker-compose file against what each Mastodon
 * version needs (the per-version rules come from ../version-facts.ts). Pure. A finding names keys, services, file
 * names, ports and versions, and says why something is missing or suspicious; it never carries a value from the
 * env file or from `environment:` (they hold the instance's secrets), not even a fragment. The one exception is
 * where web and streaming listen (PORT and BIND), which the probe-URL check must name.
 *
 * One file per check in checks/, run in the order of CHECKS, the way Mastodon keeps Admin::SystemCheck
 * (mastodon/mastodon v4.3.0 app/lib/admin/system_check.rb). To add a check: a file in checks/ that exports a
 * DoctorCheck, a row in CHECKS, its finding ids in types.ts, and a test in test/unit/mastodon/config-doctor.test.ts.
 */
import type { DoctorCheck, DoctorContext } from './check';
import { backendHostsCheck } from './checks/backend-hosts';
import { backendNetworksCheck } from './checks/backend-networks';
import { composeFileCheck } from './checks/compose-file';
import { envFileCheck } from './checks/env-file';
import { envFileUsedCheck } from './checks/env-file-used';
import { localDomainCheck } from './checks/local-domain';
import { mediaCheck } from './checks/media';
import { portsCheck } from './checks/ports';
import { probeUrlsCheck } from './checks/probe-urls';
import { redisNamespaceCheck } from './checks/redis-namespace';
import { redisUserAndSentinelCheck } from './checks/redis-user-and-sentinel';
import { requiredKeysCheck } from './checks/required-keys';
import { sidekiqHealthcheckCheck } from './checks/sidekiq-healthcheck';
import { smtpCheck } from './checks/smtp';
import { versionCheck } from './checks/version';
import { appService } from './compose-view';
import { SEVERITY_ORDER, type DoctorInput, type Finding } from './types';
import { composeImageVersion } from './versions';

export type * from './types';
export { SEVERITY_ORDER } from './types';
export { describeEnvFile } from './env-file-shape';
export { chooseVersion, composeImageVersion, type ChosenVersion } from './versions';
export { sidekiqGrepMajor } from './checks/sidekiq-healthcheck';
export { summarizeFindings, summaryLine, type DoctorSummary } from './summary';

const ENV = '.env.production';

/** Every check, in the order their findings are listed within one severity. */
export const CHECKS: readonly DoctorCheck[] = [
  composeFileCheck,
  versionCheck,
  envFileCheck,
  envFileUsedCheck,
  requiredKeysCheck,
  redisNamespaceCheck,
  redisUserAndSentinelCheck,
  localDomainCheck,
  backendHostsCheck,
  smtpCheck,
  mediaCheck,
  sidekiqHealthcheckCheck,
  portsCheck,
  backendNetworksCheck,
  probeUrlsCheck,
];

function contextOf(input: DoctorInput): DoctorContext {
  const compose = input.compose;
  const app = appService(compose);
  // What Mastodon sees: the env file, overridden by environment: of the app service (Compose gives it precedence).
  const env = new Map(input.env ?? []);
  const fromCompose = new Set<string>();
  for (const [key, value] of app?.environment ?? []) {
    if (value === undefined) continue;
    env.set(key, value);
    fromCompose.add(key);
  }
  const upcoming =
    input.version && compose
      ? (composeImageVersion(compose, 'web') ?? composeImageVersion(compose, 'sidekiq'))
      : undefined;
  return {
    input,
    env,
    envRead: input.env !== undefined,
    fromCompose,
    ...(compose ? { compose } : {}),
    composeName: input.composeFileName ?? 'docker-compose.yml',
    envName: input.envFileName ?? ENV,
    ...(app ? { app } : {}),
    ...(input.version ? { version: input.version } : {}),
    ...(upcoming ? { upcoming } : {}),
  };
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
  const ctx = contextOf(input);
  return sortFindings(CHECKS.flatMap((check) => (check.skip?.(ctx) ? [] : check.run(ctx))));
}
