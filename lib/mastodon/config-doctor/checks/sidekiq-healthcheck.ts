/** The sidekiq service's health check against the Sidekiq major of the version it runs (sidekiq-grep.ts). */
import { text, type Text } from '@/lib/i18n/text';

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
  const finding = (id: FindingId, severity: Severity, title: Text, why: Text, fix?: Text): Finding => ({
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
      text('doctor.sidekiqHealthcheck.none.title'),
      text('doctor.sidekiqHealthcheck.none.why'),
    );
  }
  const check = parseSidekiqGrep(command);
  if (check === undefined) {
    return finding(
      'sidekiq-healthcheck-custom',
      'info',
      text('doctor.sidekiqHealthcheck.custom.title'),
      text('doctor.sidekiqHealthcheck.custom.why'),
    );
  }
  const majors = grepMajorList(check);
  if (majors === 'any') {
    return finding(
      'sidekiq-healthcheck-ok',
      'ok',
      text('doctor.sidekiqHealthcheck.any.title'),
      text('doctor.sidekiqHealthcheck.any.why'),
    );
  }
  const majorWords = orList(majors.map(String));
  const version = composeImageVersion(ctx.compose, 'sidekiq') ?? fallback;
  if (!version) {
    return finding(
      'sidekiq-healthcheck-unchecked',
      'info',
      text('doctor.sidekiqHealthcheck.unchecked.title'),
      text('doctor.sidekiqHealthcheck.unchecked.why', { majors: majorWords }),
    );
  }
  const expected = sidekiqMajorOf(version);
  if (grepFindsMajor(check, expected)) {
    const official = officialSidekiqGreps(version).includes(grepTarget(check));
    return finding(
      'sidekiq-healthcheck-ok',
      'ok',
      text('doctor.sidekiqHealthcheck.ok.title', { majors: majorWords }),
      text(official ? 'doctor.sidekiqHealthcheck.ok.whyOfficial' : 'doctor.sidekiqHealthcheck.ok.why', {
        version: version.text,
        expected: String(expected),
      }),
    );
  }
  return finding(
    'sidekiq-healthcheck-mismatch',
    'warning',
    text('doctor.sidekiqHealthcheck.mismatch.title', {
      majors: majorWords,
      version: version.text,
      expected: String(expected),
    }),
    text('doctor.sidekiqHealthcheck.mismatch.why', { grep: check.grep, expected: String(expected) }),
    text('doctor.sidekiqHealthcheck.mismatch.fix', {
      grep: check.grep,
      expectedGrep: grepFor(expected),
      anyGrep: grepFor('any'),
    }),
  );
}

/** "6 or 7": the Sidekiq majors a grep looks for (numbers are data; only the "or" is a word). */
function orList(words: readonly string[]): Text | string {
  if (words.length <= 1) return words.join('');
  return text('doctor.sidekiqHealthcheck.or', { head: words.slice(0, -1).join(', '), last: words.at(-1) ?? '' });
}

export const sidekiqHealthcheckCheck: DoctorCheck = {
  name: 'sidekiq-healthcheck',
  run: (ctx) => [sidekiqHealthcheck(ctx, ctx.input.sidekiqVersion ?? ctx.version) ?? []].flat(),
};
