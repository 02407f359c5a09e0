/** The sidekiq service's health check against the Sidekiq major of the version it runs (sidekiq-grep.ts). */
import { healthcheckText } from '../../compose-file';
import {
  grepFindsMajor,
  grepFor,
  grepMajorList,
  grepTarget,
  parseSidekiqGrep,
  sidekiqMajorOf,
  type SidekiqGrepMajor,
} from '../../sidekiq-grep';
import { officialSidekiqGreps } from '../../version-facts';
import type { MastodonVersion } from '../../version';
import type { DoctorCheck, DoctorContext } from '../check';
import { serviceNamed } from '../compose-view';
import type { Finding, FindingId, Severity } from '../types';
import { composeImageVersion } from '../versions';

/** What a compose health check command greps for (sidekiq-grep.ts); undefined when it is not the Sidekiq grep. */
export function sidekiqGrepMajor(command: string): SidekiqGrepMajor | undefined {
  return parseSidekiqGrep(command)?.major;
}

function sidekiqHealthcheck(ctx: DoctorContext, fallback: MastodonVersion | undefined): Finding | undefined {
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
      `Docker will not report sidekiq as unhealthy when it stops working; the official file checks for the ` +
        `process with ps and grep.`,
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
  const expected = sidekiqMajorOf(version);
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
    `The sidekiq health check looks for Sidekiq ${majors.join(' or ')}, but Mastodon ${version.text} runs ` +
      `Sidekiq ${expected}`,
    `The check runs ps aux | grep '${check.grep}', which never matches Sidekiq ${expected}'s process title, ` +
      `so Docker shows sidekiq as unhealthy for ever although it works (an old compose file with a newer image: ` +
      `mastodon/mastodon#34879).`,
    `In the healthcheck of sidekiq, replace ${check.grep} with ${grepFor(expected)}, or with ` +
      `${grepFor('any')} to match any version, then run docker compose up -d sidekiq.`,
  );
}

export const sidekiqHealthcheckCheck: DoctorCheck = {
  name: 'sidekiq-healthcheck',
  run: (ctx) => [sidekiqHealthcheck(ctx, ctx.input.sidekiqVersion ?? ctx.version) ?? []].flat(),
};
