import { describe, expect, it } from 'vitest';

import type { ContainerView } from '@/lib/docker/types';
import { inEnglish } from '@/lib/i18n/english';
import { diagnoseConfig } from '@/lib/mastodon/config-doctor';
import { parseComposeFile, type HealthcheckTest } from '@/lib/mastodon/compose-file';
import {
  parseSidekiqHealthcheck,
  STALE_SIDEKIQ_HEALTHCHECK_ID,
  summariseFindings,
} from '@/lib/mastodon/log-recognisers';
import { grepFor, parseSidekiqGrep, sidekiqMajorOf, sidekiqMajorOfText } from '@/lib/mastodon/sidekiq-grep';
import { diagnoseSidekiqHealth, parseHealthcheckGrep } from '@/lib/mastodon/sidekiq-health-check';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';

/*
 * One compose file's sidekiq health check, read by every user of the grep: the config doctor (from the compose
 * file), the health diagnosis (from Docker's Config.Healthcheck.Test) and the log view (the same, in the browser).
 * Whatever the shape of the grep, they must agree on what it looks for and on whether Sidekiq 8 passes it.
 */

const v = (text: string) => parseMastodonVersion(text) as MastodonVersion;

function composeWith(healthcheck: string): string {
  return [
    'services:',
    '  sidekiq:',
    '    image: ghcr.io/mastodon/mastodon:v4.5.1',
    '    env_file: .env.production',
    '    command: bundle exec sidekiq',
    '    healthcheck:',
    ...healthcheck.split('\n').map((line) => `      ${line}`),
    '',
  ].join('\n');
}

/** What Compose hands Docker for the service's check (Config.Healthcheck.Test). */
function dockerTest(test: HealthcheckTest | undefined, disabled: boolean): string[] {
  if (disabled || !test || test.kind === 'none') return ['NONE'];
  return test.kind === 'shell' ? ['CMD-SHELL', test.command] : ['CMD', ...test.argv];
}

const CONTAINER: ContainerView = {
  id: 'c80b40a5c1cc195f12d3275419baaeb73c689e0ce2553020db243a034a65252c',
  name: 'mastodon-sidekiq-1',
  service: 'sidekiq',
  containerNumber: 1,
  image: 'ghcr.io/mastodon/mastodon',
  imageTag: 'v4.5.1',
  state: 'running',
  health: 'unhealthy',
  failingStreak: 3,
  lastProbe: { exitCode: 1, output: '', endedAt: '2026-11-26T17:14:20.663Z' },
  oomKilled: false,
  restartCount: 0,
  ports: [],
};

type Reading = 'none' | 'other' | 'any' | readonly number[];

interface Verdicts {
  doctor: { reads: Reading; stale: boolean };
  health: { reads: Reading; stale: boolean };
  logs: { reads: Reading; stale: boolean };
}

const majorsOf = (major: number | 'any' | readonly number[]): Reading => (typeof major === 'number' ? [major] : major);

function readEverywhere(healthcheck: string): Verdicts {
  const compose = parseComposeFile(composeWith(healthcheck));
  const service = compose.services.find((candidate) => candidate.name === 'sidekiq');
  const test = dockerTest(service?.healthcheck?.test, service?.healthcheck?.disabled ?? false);

  const findings = diagnoseConfig({ compose, version: v('4.5.1') });
  const doctorFinding = findings.find((finding) => finding.id.startsWith('sidekiq-healthcheck-'));
  const doctorReads: Reading =
    doctorFinding?.id === 'sidekiq-healthcheck-none'
      ? 'none'
      : doctorFinding?.id === 'sidekiq-healthcheck-custom'
        ? 'other'
        : /any Sidekiq version/.test(inEnglish(doctorFinding?.title ?? ''))
          ? 'any'
          : (/looks for Sidekiq ([\d or]+)/
              .exec(inEnglish(doctorFinding?.title ?? ''))?.[1]
              ?.split(' or ')
              .map(Number) ?? []);

  const grep = parseHealthcheckGrep(test);
  const healthReads: Reading = grep.kind === 'grep' ? majorsOf(grep.major) : grep.kind;
  const [diagnosis] = diagnoseSidekiqHealth({
    containers: [CONTAINER],
    heartbeats: [{ hostname: 'elsewhere', beatAgeSeconds: 2, version: '8.0.9' }],
    checks: new Map([[CONTAINER.id, grep]]),
  });

  const logCheck = parseSidekiqHealthcheck(test);
  const logReads: Reading = logCheck === undefined ? (test[0] === 'NONE' ? 'none' : 'other') : majorsOf(logCheck.major);
  const logFindings = summariseFindings(
    [{ text: 'INFO: Booting Sidekiq 8.0.9 with Sidekiq::RedisConnection::RedisAdapter options {}' }],
    logCheck ? { sidekiqHealthcheck: logCheck } : {},
  );

  return {
    doctor: { reads: doctorReads, stale: doctorFinding?.id === 'sidekiq-healthcheck-mismatch' },
    health: { reads: healthReads, stale: diagnosis?.kind === 'stale_check' && diagnosis.certainty === 'confirmed' },
    logs: { reads: logReads, stale: logFindings.some((finding) => finding.id === STALE_SIDEKIQ_HEALTHCHECK_ID) },
  };
}

describe('every user of the sidekiq grep reads one compose file alike', () => {
  it.each<[string, string, Reading, boolean]>([
    [
      'the official form, \\ unescaped by YAML',
      `test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 6' || false"]`,
      [6],
      true,
    ],
    ['single quotes keep the backslash', `test: ['CMD-SHELL', 'ps aux | grep ''[s]idekiq\\ 7'' || false']`, [7], true],
    ['a plain string test', `test: ps aux | grep '[s]idekiq\\ 8' || false`, [8], false],
    [
      'a doubled backslash in double quotes',
      `test: ["CMD-SHELL", "ps aux | grep '[s]idekiq\\\\ 6' || false"]`,
      [6],
      true,
    ],
    ['the 4.5.0 form', `test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [78]' || false"]`, [7, 8], false],
    ['a one-major set', `test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [7]' || false"]`, [7], true],
    ['any major', `test: ['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [0-9]' || false"]`, 'any', false],
    ['double quotes inside', `test: ['CMD-SHELL', 'ps aux | grep "[s]idekiq 7" || false']`, [7], true],
    ['an exec form through sh -c', `test: ['CMD', 'sh', '-c', "ps aux | grep '[s]idekiq 8'"]`, [8], false],
    ['a block list', `test:\n  - CMD-SHELL\n  - ps aux | grep '[s]idekiq\\ 6' || false`, [6], true],
    ['not the grep', `test: ['CMD', 'pgrep', '-f', 'sidekiq']`, 'other', false],
    ['disabled', `disable: true`, 'none', false],
  ])('%s', (_shape, healthcheck, reads, stale) => {
    const verdicts = readEverywhere(healthcheck);
    expect(verdicts.doctor).toEqual({ reads, stale });
    expect(verdicts.health).toEqual({ reads, stale });
    expect(verdicts.logs).toEqual({ reads, stale });
  });
});

describe('sidekiq-grep: the grep text and the Sidekiq major', () => {
  it('writes the grep as the official file does, and reads it back', () => {
    expect(grepFor(8)).toBe('[s]idekiq\\ 8');
    expect(grepFor('any')).toBe('[s]idekiq\\ [0-9]');
    expect(parseSidekiqGrep(`ps aux | grep '${grepFor(7)}' || false`)).toEqual({ grep: '[s]idekiq\\ 7', major: 7 });
    expect(parseSidekiqGrep(`ps aux | grep '${grepFor('any')}'`)?.major).toBe('any');
  });

  it('takes the major from a Sidekiq version text, and only from one', () => {
    expect(sidekiqMajorOfText('8.0.9')).toBe(8);
    expect(sidekiqMajorOfText('7.3')).toBe(7);
    expect(sidekiqMajorOfText('latest')).toBeUndefined();
    expect(sidekiqMajorOfText(undefined)).toBeUndefined();
    expect(sidekiqMajorOf(v('4.4.4'))).toBe(7);
  });
});
