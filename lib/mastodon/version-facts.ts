/**
 * What each Mastodon release does differently, as read from the releases themselves: the one table that decides
 * every version-dependent choice in lib/, and the only place in lib/ that names a version number. Every row cites
 * the release commit and the path it was read from (repository, commit, path); the tootctl stand-in and the test
 * fixtures are checked against it (test/integration/mastodon/version-contract.test.ts).
 *
 * Sources: mastodon/mastodon is too large to mirror, so the release commits are read where they are carried
 * unchanged: MozillaSocial/mastodon for the 4.0–4.2 lines, glitch-soc/mastodon for 4.3 on (at those commits
 * lib/mastodon/version.rb names mastodon/mastodon or reads it from config, and app/javascript/flavours is absent).
 *
 * A fact that changes at a patch release (4.2.8, 4.4.4, 4.5.1) cannot be decided from a minor-only version such
 * as a `v4.2` tag: it is answered as `{ known: false, either }` then, never guessed.
 */
import type { MastodonVersion } from './version';

/** The release commits read, by version. */
export const RELEASES = {
  '4.0.2': { repository: 'MozillaSocial/mastodon', commit: '03b0f3ac83edfc46d304bfca1539ca6000e36fc3' },
  '4.1.0': { repository: 'MozillaSocial/mastodon', commit: '70c0d754a6e0ceff80ee2853dbfb351da9fab2cd' },
  '4.1.9': { repository: 'MozillaSocial/mastodon', commit: 'e4c0aaf6264907de2efd46924946d2281d80e3d4' },
  '4.2.0': { repository: 'MozillaSocial/mastodon', commit: '4fcc026f0f1b12a9de21a3af33375a9c8867dd55' },
  '4.2.7': { repository: 'MozillaSocial/mastodon', commit: '0e4e98fad1e21e4f356b3a71eef3fca79890105c' },
  '4.2.8': { repository: 'MozillaSocial/mastodon', commit: 'bdb6650ebc73566a09482521a43b457270b3c44a' },
  '4.2.12': { repository: 'MozillaSocial/mastodon', commit: 'f9a929ed5c71e0aaf42c124e96d499d81507c2ac' },
  '4.3.0': { repository: 'glitch-soc/mastodon', commit: 'edcf3d9234b03d6b1c4b29d1d15339f7f64040fb' },
  '4.4.3': { repository: 'glitch-soc/mastodon', commit: '5478ef9b32be0c7ac8f86330760485a7531d218a' },
  '4.4.4': { repository: 'glitch-soc/mastodon', commit: 'c966d756007e0e4c4eb020055c999e4cf7a07ed0' },
  '4.5.0': { repository: 'glitch-soc/mastodon', commit: '26c78392f88afccebb8a88b68bc9994a9ce12648' },
  '4.5.1': { repository: 'glitch-soc/mastodon', commit: 'bb6093c3153f092736e2f25959e3dcdceeb7bce1' },
  '4.5.15': { repository: 'glitch-soc/mastodon', commit: 'bf046ffab90464faff67f98a0fbd9fca3058e588' },
} as const satisfies Record<string, { repository: string; commit: string }>;

export type Release = keyof typeof RELEASES;

/** A value that holds from release `from` until the next step; `read` names where it was read. */
export interface Step<T> {
  from: string;
  value: T;
  read: { release: Release; path: string };
}

export type Decided<T> =
  { known: true; value: T } | { known: false; either: readonly T[]; changesAt: readonly string[] };

/** The oldest release the dashboard supports at all (user_roles and `--role` arrive with 4.0). */
export const OLDEST_SUPPORTED = '4.0.0';

const RESERVED_UP_TO_4_3 = [
  'admin',
  'support',
  'help',
  'root',
  'webmaster',
  'administrator',
  'mod',
  'moderator',
] as const;
const RESERVED_FROM_4_4 = [
  ...RESERVED_UP_TO_4_3,
  'owner',
  'staff',
  'security',
  'server',
  'instance',
  'abuse',
  'account',
  'accounts',
  'admins',
  'mods',
  'helpdesk',
  'administration',
  'moderators',
] as const;

/** The options of `tootctl media remove`, without the leading `--`. */
export type MediaRemoveOption =
  'days' | 'prune-profiles' | 'remove-headers' | 'include-follows' | 'concurrency' | 'verbose' | 'dry-run';

function fact<T>(steps: readonly Step<T>[]): readonly Step<T>[] {
  return steps;
}

/**
 * The table. Facts in MINOR_FACTS change only at x.y.0 releases (a unit test holds that), so a minor-only version
 * decides them; facts in PATCH_FACTS may change at a patch release.
 */
export const MINOR_FACTS = {
  /** How `tootctl accounts create` approves: no --approve option before 4.2 (Thor takes it for a second USERNAME). */
  createApproval: fact<'modify-after' | 'create-flag'>([
    { from: '4.0.0', value: 'modify-after', read: { release: '4.1.9', path: 'lib/mastodon/accounts_cli.rb' } },
    { from: '4.2.0', value: 'create-flag', read: { release: '4.2.0', path: 'lib/mastodon/cli/accounts.rb' } },
  ]),
  /**
   * What a validation failure prints under `Failure/Error: attribute`: `errors.to_h` human messages in
   * DEFAULT_LOCALE before 4.2, the error type (`taken`, `reserved`) from 4.2 (report_errors).
   */
  validationErrorText: fact<'localised-message' | 'error-type'>([
    { from: '4.0.0', value: 'localised-message', read: { release: '4.1.9', path: 'lib/mastodon/accounts_cli.rb' } },
    { from: '4.2.0', value: 'error-type', read: { release: '4.2.0', path: 'lib/mastodon/cli/accounts.rb' } },
  ]),
  /**
   * Where tootctl prints its own failures: `say(msg, :red); exit(1)` on stdout, `fail_with_message`
   * (Thor::Error) on stderr from 4.3.
   */
  tootctlErrorStream: fact<'stdout' | 'stderr'>([
    { from: '4.0.0', value: 'stdout', read: { release: '4.2.12', path: 'lib/mastodon/cli/accounts.rb' } },
    { from: '4.3.0', value: 'stderr', read: { release: '4.3.0', path: 'lib/mastodon/cli/base.rb' } },
  ]),
  /**
   * The options `tootctl media remove` declares; Thor takes any other for an argument and fails the arity check.
   * --prune-profiles, --remove-headers and --include-follows arrive in 4.1, which also drops --verbose (back in 4.3).
   * `preview_cards remove` (--days, --concurrency, --verbose, --dry-run, --link) and `media remove-orphans`
   * (--start-after, --prefix, --fix-permissions, --dry-run) are the same in every supported release.
   */
  mediaRemoveOptions: fact<readonly MediaRemoveOption[]>([
    {
      from: '4.0.0',
      value: ['days', 'concurrency', 'verbose', 'dry-run'],
      read: { release: '4.0.2', path: 'lib/mastodon/media_cli.rb' },
    },
    {
      from: '4.1.0',
      value: ['days', 'prune-profiles', 'remove-headers', 'include-follows', 'concurrency', 'dry-run'],
      read: { release: '4.1.0', path: 'lib/mastodon/media_cli.rb' },
    },
    {
      from: '4.3.0',
      value: ['days', 'prune-profiles', 'remove-headers', 'include-follows', 'concurrency', 'verbose', 'dry-run'],
      read: { release: '4.3.0', path: 'lib/mastodon/cli/media.rb' },
    },
  ]),
  /** The settings table: thing_type/thing_id columns up to 4.3, a unique index on var from 4.4. */
  settingsShape: fact<'thing-columns' | 'var-unique'>([
    { from: '4.0.0', value: 'thing-columns', read: { release: '4.3.0', path: 'db/schema.rb' } },
    { from: '4.4.0', value: 'var-unique', read: { release: '4.4.3', path: 'db/schema.rb' } },
  ]),
  /** REDIS_NAMESPACE prefixes Sidekiq and cache keys up to 4.3; from 4.4 the boot aborts while it is set. */
  redisNamespace: fact<'honoured' | 'refused'>([
    { from: '4.0.0', value: 'honoured', read: { release: '4.3.0', path: 'lib/mastodon/redis_configuration.rb' } },
    { from: '4.4.0', value: 'refused', read: { release: '4.4.3', path: 'config/initializers/deprecations.rb' } },
  ]),
  /** The Sidekiq major in the image (Gemfile.lock). */
  sidekiqMajor: fact<6 | 7 | 8>([
    { from: '4.0.0', value: 6, read: { release: '4.3.0', path: 'Gemfile.lock' } },
    { from: '4.4.0', value: 7, read: { release: '4.4.3', path: 'Gemfile.lock' } },
    { from: '4.5.0', value: 8, read: { release: '4.5.1', path: 'Gemfile.lock' } },
  ]),
  /** Queues beyond the classic six that config/sidekiq.yml lists. */
  extraQueues: fact<readonly string[]>([
    { from: '4.0.0', value: [], read: { release: '4.3.0', path: 'config/sidekiq.yml' } },
    { from: '4.4.0', value: ['fasp'], read: { release: '4.4.3', path: 'config/sidekiq.yml' } },
  ]),
  /** OTP_SECRET is read at boot (production.rb ENV.fetch) up to 4.3. */
  otpSecretRequired: fact<boolean>([
    { from: '4.0.0', value: true, read: { release: '4.3.0', path: 'config/environments/production.rb' } },
    { from: '4.4.0', value: false, read: { release: '4.4.3', path: 'config/environments/production.rb' } },
  ]),
  /** The three ACTIVE_RECORD_ENCRYPTION_* keys abort the boot when blank or placeholders, from 4.3. */
  activeRecordEncryptionRequired: fact<boolean>([
    { from: '4.0.0', value: false, read: { release: '4.2.12', path: 'config/initializers' } },
    { from: '4.3.0', value: true, read: { release: '4.3.0', path: 'config/initializers/active_record_encryption.rb' } },
  ]),
  /**
   * CACHE_REDIS_USER / SIDEKIQ_REDIS_USER / REDIS_USER and the *_SENTINEL* keys: read from 4.3 (setup_config,
   * setup_sentinels); before, lib/mastodon/redis_config.rb builds URLs from host, port, db and password only.
   */
  redisUserAndSentinel: fact<boolean>([
    { from: '4.0.0', value: false, read: { release: '4.2.8', path: 'lib/mastodon/redis_config.rb' } },
    { from: '4.3.0', value: true, read: { release: '4.3.0', path: 'lib/mastodon/redis_configuration.rb' } },
  ]),
  /** The e-mail allowlist keys, first wins (config/initializers/blacklists.rb, email_domains_lists.rb from 4.3). */
  emailDomainAllowlistKeys: fact<readonly string[]>([
    {
      from: '4.0.0',
      value: ['EMAIL_DOMAIN_ALLOWLIST', 'EMAIL_DOMAIN_WHITELIST'],
      read: { release: '4.0.2', path: 'config/initializers/blacklists.rb' },
    },
    {
      from: '4.3.0',
      value: ['EMAIL_DOMAIN_ALLOWLIST', 'EMAIL_DOMAIN_WHITELIST'],
      read: { release: '4.5.15', path: 'config/initializers/email_domains_lists.rb' },
    },
  ]),
};

export const PATCH_FACTS = {
  /** registrations_mode with no settings row (config/settings.yml): 'none' from 4.2.8, the backport of #29353. */
  defaultRegistrationsMode: fact<'open' | 'none'>([
    { from: '4.0.0', value: 'open', read: { release: '4.2.7', path: 'config/settings.yml' } },
    { from: '4.2.8', value: 'none', read: { release: '4.2.8', path: 'config/settings.yml' } },
  ]),
  /**
   * Scheduler::AutoCloseRegistrationsScheduler, hourly from 4.2.8 (config/sidekiq.yml): when registrations are
   * open and no user who can manage reports signed in within a week, it sets registrations_mode to 'approved' and
   * mails the admins. Skipped when the e-mail allowlist is set or DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS
   * is 'true'. 4.3.0 runs the same code.
   */
  autoSwitchToApproved: fact<boolean>([
    { from: '4.0.0', value: false, read: { release: '4.2.7', path: 'config/sidekiq.yml' } },
    {
      from: '4.2.8',
      value: true,
      read: { release: '4.2.8', path: 'app/workers/scheduler/auto_close_registrations_scheduler.rb' },
    },
  ]),
  /**
   * Names `tootctl accounts create` refuses (config/settings.yml reserved_usernames); from 4.4.4
   * the CLI bypasses the check.
   */
  reservedUsernames: fact<readonly string[]>([
    { from: '4.0.0', value: RESERVED_UP_TO_4_3, read: { release: '4.3.0', path: 'config/settings.yml' } },
    { from: '4.4.0', value: RESERVED_FROM_4_4, read: { release: '4.4.3', path: 'config/settings.yml' } },
    { from: '4.4.4', value: [], read: { release: '4.4.4', path: 'lib/mastodon/cli/accounts.rb' } },
  ]),
  /** What the official docker-compose.yml's sidekiq health check greps after `[s]idekiq\ `. */
  officialSidekiqGrep: fact<string>([
    { from: '4.0.0', value: '6', read: { release: '4.3.0', path: 'docker-compose.yml' } },
    { from: '4.4.0', value: '7', read: { release: '4.4.4', path: 'docker-compose.yml' } },
    { from: '4.5.0', value: '[78]', read: { release: '4.5.0', path: 'docker-compose.yml' } },
    { from: '4.5.1', value: '8', read: { release: '4.5.1', path: 'docker-compose.yml' } },
  ]),
};

type StepValue<S> = S extends readonly Step<infer T>[] ? T : never;
export type MinorFacts = { [K in keyof typeof MINOR_FACTS]: StepValue<(typeof MINOR_FACTS)[K]> };
export type PatchFacts = { [K in keyof typeof PATCH_FACTS]: Decided<StepValue<(typeof PATCH_FACTS)[K]>> };
export type VersionFacts = MinorFacts & PatchFacts & { version: MastodonVersion };

type Triple = readonly [number, number, number];

function triple(text: string): Triple {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map(Number);
  return [major, minor, patch];
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function versionTriple(version: MastodonVersion): Triple {
  return [version.major, version.minor, version.patch];
}

/** The step in force for an exact version (the first step also answers for older versions). */
function stepAt<T>(steps: readonly Step<T>[], at: Triple): Step<T> {
  let found = steps[0]!;
  for (const step of steps) if (compare(triple(step.from), at) <= 0) found = step;
  return found;
}

export function decideMinor<T>(steps: readonly Step<T>[], version: MastodonVersion): T {
  return stepAt(steps, [version.major, version.minor, 0]).value;
}

export function decidePatch<T>(steps: readonly Step<T>[], version: MastodonVersion): Decided<T> {
  if (version.patchKnown) return { known: true, value: stepAt(steps, versionTriple(version)).value };
  // Unknown patch: every value the steps give within this minor.
  const inMinor = steps.filter((step) => {
    const [major, minor, patch] = triple(step.from);
    return major === version.major && minor === version.minor && patch > 0;
  });
  const first = stepAt(steps, [version.major, version.minor, 0]);
  if (inMinor.length === 0) return { known: true, value: first.value };
  return {
    known: false,
    either: [first.value, ...inMinor.map((step) => step.value)],
    changesAt: inMinor.map((step) => step.from),
  };
}

export function factsFor(version: MastodonVersion): VersionFacts {
  const minor = Object.fromEntries(
    Object.entries(MINOR_FACTS).map(([name, steps]) => [name, decideMinor<unknown>(steps, version)]),
  );
  const patch = Object.fromEntries(
    Object.entries(PATCH_FACTS).map(([name, steps]) => [name, decidePatch<unknown>(steps, version)]),
  );
  return { ...(minor as MinorFacts), ...(patch as PatchFacts), version };
}

/** The known value, or undefined when the patch decides and is unknown. */
export function knownValue<T>(fact: Decided<T>): T | undefined {
  return fact.known ? fact.value : undefined;
}

/** Whether the dashboard supports this version at all (user roles arrive in 4.0). */
export function isSupported(version: MastodonVersion): boolean {
  return compare(versionTriple(version), triple(OLDEST_SUPPORTED)) >= 0;
}

/** The first release where a fact takes a value, for messages ("from 4.2.8"). */
export function firstReleaseWith<K extends keyof typeof MINOR_FACTS | keyof typeof PATCH_FACTS>(
  fact: K,
  value: unknown,
): string | undefined {
  const steps: readonly Step<unknown>[] =
    fact in MINOR_FACTS ? MINOR_FACTS[fact as keyof typeof MINOR_FACTS] : PATCH_FACTS[fact as keyof typeof PATCH_FACTS];
  return steps.find((step) => JSON.stringify(step.value) === JSON.stringify(value))?.from;
}

/** "4.2.0–4.2.7: open; 4.2.8 and later: none", for a version whose patch decides and is unknown. */
export function describeUndecided<T>(fact: Decided<T>, version: MastodonVersion, show: (value: T) => string): string {
  if (fact.known) return show(fact.value);
  const bounds = [`${version.major}.${version.minor}.0`, ...fact.changesAt];
  return fact.either
    .map((value, index) => {
      const from = bounds[index]!;
      const next = bounds[index + 1];
      if (next === undefined) return `${from} and later: ${show(value)}`;
      const [major, minor, patch] = triple(next);
      const until = `${major}.${minor}.${patch - 1}`;
      return `${from === until ? from : `${from}–${until}`}: ${show(value)}`;
    })
    .join('; ');
}

/** The Sidekiq majors a health-check grep target matches: `8` → [8], `[78]` → [7, 8]; 'any' for `[0-9]`. */
export function grepMajors(target: string): readonly number[] | 'any' | undefined {
  if (/^\d+$/.test(target)) return [Number(target)];
  if (target === '[0-9]' || target === '\\d' || target === '[[:digit:]]') return 'any';
  const set = /^\[(\d+)\]$/.exec(target);
  return set?.[1] ? [...new Set(set[1].split('').map(Number))] : undefined;
}

// `\ ` stays a backslash when the test is passed to `docker run` as is; Compose's YAML turns it into a space.
const SIDEKIQ_GREP = /\[s\]idekiq(?:\\ | |\\s|\[ \])(\d+|\[0-9\]|\\d|\[\[:digit:\]\]|\[\d+\])/;

/** What a sidekiq health check greps after `[s]idekiq\ `: `6`, `[78]`, `[0-9]`; undefined when it is not that grep. */
export function sidekiqGrepTarget(command: string): string | undefined {
  return SIDEKIQ_GREP.exec(command)?.[1];
}

/** Whether a grep target matches this Sidekiq major. */
export function grepMatchesMajor(majors: readonly number[] | 'any', major: number): boolean {
  return majors === 'any' || majors.includes(major);
}

/** The official grep targets for this version: one, or both when the patch decides and is unknown. */
export function officialSidekiqGreps(version: MastodonVersion): readonly string[] {
  const grep = factsFor(version).officialSidekiqGrep;
  return grep.known ? [grep.value] : grep.either;
}

/** The release a fact first takes a value, for texts ("from 4.4.0"); the table is the only source of such numbers. */
export function since(fact: keyof typeof MINOR_FACTS | keyof typeof PATCH_FACTS, value: unknown): string {
  return firstReleaseWith(fact, value) ?? 'an unknown release';
}

/** "6 from 4.0.0, 7 from 4.4.0, 8 from 4.5.0". */
export function describeSteps<T>(steps: readonly Step<T>[], show: (value: T) => string): string {
  return steps.map((step) => `${show(step.value)} from ${step.from}`).join(', ');
}
