/**
 * The one home of the sidekiq health check's grep and of the Sidekiq major. The official docker-compose.yml checks
 * sidekiq with
 * `ps aux | grep '[s]idekiq\ N' || false`, N being the Sidekiq major of that release (version-facts.ts:
 * officialSidekiqGrep, sidekiqMajor). The config doctor reads it from the compose file, the health diagnosis and
 * the log view from Docker's Config.Healthcheck.Test; all of them go through `parseSidekiqGrep`, so they cannot
 * disagree on the same check. Pure and without secrets: the check's own text never leaves this module, only
 * the grep it contains. Pure, so that the browser's log view runs it too.
 */
import type { MastodonVersion } from './version';
import { factsFor, grepMajors, grepMatchesMajor, sidekiqGrepTarget } from './version-facts';

const GREP_PREFIX = '[s]idekiq\\ ';

export type SidekiqMajor = 6 | 7 | 8;

/** The Sidekiq major an official image of this Mastodon version ships. */
export function sidekiqMajorOf(version: MastodonVersion): SidekiqMajor {
  return factsFor(version).sidekiqMajor;
}

/** The major of a Sidekiq version text (`8.0.9` from a heartbeat or a `Booting Sidekiq 8.0.9` line). */
export function sidekiqMajorOfText(text: string | undefined): number | undefined {
  const match = /^(\d+)\./.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The grep for one major, or for any (`[0-9]`), as the official file writes it: `[s]idekiq\ 8`. */
export function grepFor(major: number | 'any'): string {
  return `${GREP_PREFIX}${major === 'any' ? '[0-9]' : major}`;
}

/** What the grep looks for: one major, any major (`[0-9]`), or a set such as `[78]` (the 4.5.0 compose file). */
export type SidekiqGrepMajor = number | 'any' | readonly number[];

export interface SidekiqGrep {
  /** The grep as the official file writes it: `[s]idekiq\ 6`, `[s]idekiq\ [78]`. */
  grep: string;
  major: SidekiqGrepMajor;
}

/**
 * `[s]idekiq\ 6` (or `[s]idekiq 6` once YAML has unescaped it) anywhere in a shell command; undefined when the
 * command is not that grep.
 */
export function parseSidekiqGrep(command: string | undefined): SidekiqGrep | undefined {
  const target = command === undefined ? undefined : sidekiqGrepTarget(command);
  const majors = target === undefined ? undefined : grepMajors(target);
  if (target === undefined || majors === undefined) return undefined;
  const single = majors !== 'any' && majors.length === 1 && /^\d+$/.test(target);
  return { grep: `${GREP_PREFIX}${target}`, major: single ? majors[0]! : majors };
}

/**
 * The command of Docker's Config.Healthcheck.Test (`["CMD-SHELL", "…"]`, `["CMD", argv…]`); undefined for
 * `["NONE"]` or no check.
 */
export function healthcheckTestCommand(test: readonly string[] | undefined): string | undefined {
  if (!test || test.length === 0 || test[0] === 'NONE') return undefined;
  return test[0] === 'CMD-SHELL' || test[0] === 'CMD' ? test.slice(1).join(' ') : test.join(' ');
}

/** The grep of a container's Config.Healthcheck.Test, when it is the Sidekiq grep. */
export function parseHealthcheckTestGrep(test: readonly string[] | undefined): SidekiqGrep | undefined {
  return parseSidekiqGrep(healthcheckTestCommand(test));
}

/** The majors a grep looks for as a list, or 'any'. */
export function grepMajorList(check: SidekiqGrep): readonly number[] | 'any' {
  return typeof check.major === 'number' ? [check.major] : check.major;
}

/** Whether the check finds a Sidekiq of this major in the process list. */
export function grepFindsMajor(check: SidekiqGrep, major: number): boolean {
  return grepMatchesMajor(grepMajorList(check), major);
}

/** The grep target alone, as version-facts' officialSidekiqGrep writes it: `6`, `[78]`, `[0-9]`. */
export function grepTarget(check: SidekiqGrep): string {
  return check.grep.slice(GREP_PREFIX.length);
}
