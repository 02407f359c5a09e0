import 'server-only';

import { dockerCalls } from '../docker/client';
import type { ContainerView } from '../docker/types';
import { text, type Text } from '../i18n/text';
import { parseMastodonVersion, type MastodonVersion } from './version';
import {
  grepFindsMajor,
  grepFor,
  grepMajorList,
  healthcheckTestCommand,
  parseSidekiqGrep,
  sidekiqMajorOf,
  sidekiqMajorOfText,
  type SidekiqGrep,
  type SidekiqMajor,
} from './sidekiq-grep';

/**
 * The stale Sidekiq health check. The official docker-compose.yml checks sidekiq with
 * `ps aux | grep '[s]idekiq\ N'`, N being the Sidekiq major of that Mastodon release (version-facts.ts:
 * sidekiqMajor, officialSidekiqGrep, each row citing the release it was read from). Upgrade the image without the
 * compose file and Docker calls a working Sidekiq "unhealthy" for ever (mastodon/mastodon#34879, #34935). Redis
 * tells the truth: a live heartbeat. The grep is read by sidekiq-grep.ts, as everywhere else. The diagnosis is
 * pure; only `readHealthcheckGreps` asks Docker, and only for the containers in doubt.
 */

/**
 * What a container's health check looks for, without its text (a check may carry anything; only this leaves the
 * server): the Sidekiq grep (sidekiq-grep.ts), another command, or no check.
 */
export type HealthcheckGrep = ({ kind: 'grep' } & SidekiqGrep) | { kind: 'other' } | { kind: 'none' };

/** Reads Config.Healthcheck.Test (["CMD-SHELL", "…"], ["CMD", …], ["NONE"]). */
export function parseHealthcheckGrep(test: readonly string[] | undefined): HealthcheckGrep {
  const command = healthcheckTestCommand(test);
  if (command === undefined) return { kind: 'none' };
  const grep = parseSidekiqGrep(command);
  return grep ? { kind: 'grep', ...grep } : { kind: 'other' };
}

/** The shell command the container runs (after Compose's YAML has turned `\ ` into a space). */
export function healthcheckCommand(major: SidekiqMajor | 'any'): string {
  return `ps aux | grep '${grepFor(major).replace('\\ ', ' ')}' || false`;
}

/** The `test:` line for docker-compose.yml, written as the official file writes it. */
export function healthcheckLine(major: SidekiqMajor | 'any'): string {
  return `test: ['CMD-SHELL', "ps aux | grep '${grepFor(major)}' || false"]`;
}

export interface LiveHeartbeat {
  hostname: string;
  beatAgeSeconds?: number;
  /** Sidekiq's version from the heartbeat (Sidekiq 7+). */
  version?: string;
}

export interface SidekiqHealthInput {
  /** The project's containers; the sidekiq services among them are judged. */
  containers: readonly ContainerView[];
  /** Live processes from Redis (their heartbeat hash exists). */
  heartbeats: readonly LiveHeartbeat[];
  /** The deployment's Mastodon version, for containers whose own tag names none. */
  version?: MastodonVersion;
  /** The inspected health checks by container id, for the containers `containersInDoubt` named. */
  checks?: ReadonlyMap<string, HealthcheckGrep>;
}

export interface SidekiqHealthFix {
  /** The `test:` line matching the image's Sidekiq major (absent when the major is unknown). */
  line?: string;
  /** The version-agnostic line, which survives the next major bump. */
  agnosticLine: string;
  /**
   * How to apply it: Compose recreates the container with the new check (Sidekiq restarts; queued jobs wait in
   * Redis).
   */
  apply: string;
}

export interface SidekiqHealthDiagnosis {
  /**
   * stale_check: the check greps an older Sidekiq major; check_fails_while_alive: unhealthy for another reason
   * while Sidekiq beats.
   */
  kind: 'stale_check' | 'check_fails_while_alive';
  /** confirmed: the check's own text was read; likely: inferred from the silent failing probe. */
  certainty: 'confirmed' | 'likely';
  service: string;
  containers: string[];
  /** The Sidekiq major in the image (from its Mastodon version, else the heartbeat). */
  imageSidekiqMajor?: number;
  /** The major the check greps for, when it was read. */
  checkSidekiqMajor?: number;
  /** The freshest live heartbeat's age in seconds. */
  heartbeatAgeSeconds?: number;
  /** A heartbeat's hostname is this container's (Docker's default hostname, the short id). */
  heartbeatFromContainer: boolean;
  lastProbe?: { exitCode: number; output: string };
  message: Text;
  fix?: SidekiqHealthFix;
}

function isSidekiqService(container: ContainerView): boolean {
  return /sidekiq/i.test(container.service);
}

export function unhealthySidekiqs(containers: readonly ContainerView[]): ContainerView[] {
  return containers.filter((c) => isSidekiqService(c) && c.state === 'running' && c.health === 'unhealthy');
}

/** Containers whose health check is worth reading: unhealthy sidekiqs while Redis shows a live Sidekiq. */
export function containersInDoubt(
  containers: readonly ContainerView[],
  heartbeats: readonly LiveHeartbeat[],
): ContainerView[] {
  return heartbeats.length === 0 ? [] : unhealthySidekiqs(containers);
}

function imageMajor(input: SidekiqHealthInput, tagVersion: MastodonVersion | undefined): number | undefined {
  const version = tagVersion ?? input.version;
  if (version) return sidekiqMajorOf(version);
  // No version in the tag (e.g. `latest`): the heartbeats say what runs, when they agree.
  const majors = new Set(
    input.heartbeats.map((beat) => sidekiqMajorOfText(beat.version)).filter((major) => major !== undefined),
  );
  return majors.size === 1 ? [...majors][0] : undefined;
}

function probeIsSilentFailure(container: ContainerView): boolean {
  return (
    container.lastProbe !== undefined && container.lastProbe.exitCode !== 0 && container.lastProbe.output.trim() === ''
  );
}

function describeProbe(container: ContainerView): Text {
  const probe = container.lastProbe;
  if (!probe) return text('vitals.sidekiqCheck.probe.none');
  const output = probe.output.trim();
  return output === ''
    ? text('vitals.sidekiqCheck.probe.silent', { code: probe.exitCode })
    : text('vitals.sidekiqCheck.probe.printed', {
        code: probe.exitCode,
        output: output.slice(-300).replace(/\s+/g, ' ').trim(),
      });
}

function aliveText(seconds: number | undefined): Text {
  return seconds === undefined
    ? text('vitals.sidekiqCheck.alive')
    : text('vitals.sidekiqCheck.aliveAge', { seconds: Math.round(seconds) });
}

/** Sidekiq majors as "6", "6 or 7", "6 or 7 or 8". */
function majorsText(majors: readonly number[]): Text | number | string {
  if (majors.length <= 1) return majors[0] ?? '';
  return text('vitals.sidekiqCheck.or', { first: majorsText(majors.slice(0, -1)), last: majors[majors.length - 1]! });
}

/**
 * For each sidekiq service Docker calls unhealthy while Redis shows a live Sidekiq heartbeat: whether the
 * compose health check greps for an old Sidekiq major, and the corrected `test:` line.
 */
export function diagnoseSidekiqHealth(input: SidekiqHealthInput): SidekiqHealthDiagnosis[] {
  const doubtful = containersInDoubt(input.containers, input.heartbeats);
  const byService = new Map<string, ContainerView[]>();
  for (const container of doubtful)
    byService.set(container.service, [...(byService.get(container.service) ?? []), container]);

  const ages = input.heartbeats.map((beat) => beat.beatAgeSeconds).filter((age): age is number => age !== undefined);
  const heartbeatAgeSeconds = ages.length > 0 ? Math.min(...ages) : undefined;
  const alive = aliveText(heartbeatAgeSeconds);

  return [...byService.entries()].map(([service, group]) => {
    const sorted = [...group].sort((a, b) => a.containerNumber - b.containerNumber);
    const first = sorted[0]!;
    const tagVersion = parseMastodonVersion(first.imageTag);
    const expected = imageMajor(input, tagVersion);
    const check = input.checks?.get(first.id);
    const heartbeatFromContainer = input.heartbeats.some((beat) =>
      sorted.some((c) => c.id.slice(0, 12) === beat.hostname),
    );
    const base = {
      service,
      containers: sorted.map((c) => c.name),
      imageSidekiqMajor: expected,
      heartbeatAgeSeconds,
      heartbeatFromContainer,
      ...(first.lastProbe ? { lastProbe: { exitCode: first.lastProbe.exitCode, output: first.lastProbe.output } } : {}),
    };
    const image = tagVersion
      ? text('vitals.sidekiqCheck.imageVersion', { version: tagVersion.text })
      : text('vitals.sidekiqCheck.image');
    const fix: SidekiqHealthFix = {
      ...(expected === 6 || expected === 7 || expected === 8 ? { line: healthcheckLine(expected) } : {}),
      agnosticLine: healthcheckLine('any'),
      apply: `docker compose up -d ${service}`,
    };
    const howToFix = text('vitals.sidekiqCheck.howToFix', { service });

    const grep = check?.kind === 'grep' ? check : undefined;
    const checkSidekiqMajor = typeof grep?.major === 'number' ? { checkSidekiqMajor: grep.major } : {};
    const checkMajors = grep ? grepMajorList(grep) : undefined;
    if (grep && checkMajors && checkMajors !== 'any' && expected !== undefined && !grepFindsMajor(grep, expected)) {
      return {
        ...base,
        kind: 'stale_check',
        certainty: 'confirmed',
        ...checkSidekiqMajor,
        message: text('vitals.sidekiqCheck.stale', {
          service,
          alive,
          majors: majorsText(checkMajors),
          image,
          expected,
          howToFix,
        }),
        fix,
      };
    }
    if (check === undefined && probeIsSilentFailure(first)) {
      return {
        ...base,
        kind: 'stale_check',
        certainty: 'likely',
        message: text('vitals.sidekiqCheck.staleLikely', {
          service,
          alive,
          than:
            expected === undefined
              ? text('vitals.sidekiqCheck.thanImage')
              : text('vitals.sidekiqCheck.thanMajor', { expected }),
          howToFix,
        }),
        fix,
      };
    }
    const shipped = typeof grep?.major === 'number' && expected === grep.major;
    const why =
      checkMajors === 'any'
        ? text('vitals.sidekiqCheck.why.any')
        : checkMajors
          ? text(shipped ? 'vitals.sidekiqCheck.why.shipped' : 'vitals.sidekiqCheck.why.greps', {
              majors: majorsText(checkMajors),
            })
          : check?.kind === 'other'
            ? text('vitals.sidekiqCheck.why.other')
            : undefined;
    const probe = describeProbe(first);
    return {
      ...base,
      kind: 'check_fails_while_alive',
      certainty: check ? 'confirmed' : 'likely',
      ...checkSidekiqMajor,
      message: why
        ? text('vitals.sidekiqCheck.failsWhy', { service, alive, why, probe })
        : text('vitals.sidekiqCheck.fails', { service, alive, probe }),
    };
  });
}

/** Reads the health checks of the given containers (only what they grep for); a failed inspect is left out. */
export async function readHealthcheckGreps(
  containers: readonly ContainerView[],
): Promise<Map<string, HealthcheckGrep>> {
  const checks = new Map<string, HealthcheckGrep>();
  await Promise.all(
    containers.map(async (container) => {
      try {
        const info = await dockerCalls().getContainer(container.id).inspect();
        checks.set(container.id, parseHealthcheckGrep(info.Config?.Healthcheck?.Test));
      } catch {
        // Without the check's text the diagnosis falls back to the probe's behaviour.
      }
    }),
  );
  return checks;
}
