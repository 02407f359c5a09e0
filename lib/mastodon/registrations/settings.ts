import 'server-only';

import type { SettingsSchema } from '../settings-table';
import { redisGlobEscape, settingsCachePatterns } from '../settings-cache-keys';
import { parseYamlScalar, type YamlParseResult } from '../settings-yaml';
import { parseMastodonVersion } from '../version';
import type { RunningVersion } from '../running-version';
import { describeUndecided, factsFor, firstReleaseWith, type Decided } from '../version-facts';

/**
 * The registration settings as data: their shapes, and what a stored row means for the running version and
 * the environment. Pure, so every case is a unit test; postgres.ts reads and writes the rows, redis.ts the
 * Rails cache, index.ts puts them together.
 */

export const REGISTRATION_MODES = ['open', 'approved', 'none'] as const;
export type RegistrationsMode = (typeof REGISTRATION_MODES)[number];

export const REGISTRATION_MODE_LABELS: Record<RegistrationsMode, string> = {
  open: 'Open',
  approved: 'Approval required',
  none: 'Closed',
};

export const REGISTRATION_VARS = ['registrations_mode', 'require_invite_text', 'closed_registrations_message'] as const;
export type RegistrationVar = (typeof REGISTRATION_VARS)[number];

export type { SettingsSchema } from '../settings-table';
export { cacheKeyPrefix } from '../settings-cache-keys';

/** Which Mastodon version runs, and where that was read (lib/mastodon/running-version.ts). */
export type VersionInfo = RunningVersion;

export interface StoredSetting {
  source: 'stored' | 'default';
  /** The row's text as stored, when there is a row. */
  raw?: string;
}

export interface ModeState extends StoredSetting {
  /** One of the three modes; undefined when the stored value is not one of them, or the default is unknown. */
  mode?: RegistrationsMode;
  /** A stored value that is not open, approved or none, described as found. */
  unrecognised?: string;
  /** Why the default is not known, when there is no row and the version is unknown. */
  defaultUnknown?: string;
}

export interface FlagState extends StoredSetting {
  /** As Ruby tests it: anything but false and nil counts as true. */
  value: boolean;
  /** Set when the stored value is not a plain boolean (e.g. the string 'false', which Ruby treats as true). */
  note?: string;
}

export interface TextState extends StoredSetting {
  value: string;
  note?: string;
}

export interface RegistrationOverride {
  code:
    'single_user_mode' | 'auto_switch_to_approved' | 'auto_switch_disabled' | 'auto_switch_maybe' | 'unrecognised_mode';
  tone: 'bad' | 'warn' | 'neutral';
  message: string;
}

export interface RegistrationSettings {
  schema: SettingsSchema;
  version: VersionInfo;
  mode: ModeState;
  requireInviteText: FlagState;
  closedRegistrationsMessage: TextState;
  overrides: RegistrationOverride[];
  /** What a visitor meets, all things considered. */
  effective: 'open' | 'approved' | 'closed' | 'unknown';
}

export interface RegistrationOverridesEnv {
  singleUserMode: boolean;
  autoApprovedSwitchDisabled: boolean;
  /** EMAIL_DOMAIN_ALLOWLIST or the older EMAIL_DOMAIN_WHITELIST (which Mastodon still reads) is set. */
  emailDomainAllowlist: boolean;
}

// ---- pure logic ----------------------------------------------------------------------------------

function describeParsed(parsed: YamlParseResult): string {
  if (!parsed.ok) return `not readable as YAML (${parsed.problem})`;
  switch (parsed.tag) {
    case 'str':
      return `the text ${JSON.stringify(parsed.value)}`;
    case 'symbol':
      return `the Ruby symbol :${parsed.value}, which never equals a mode`;
    case 'null':
      return 'nil';
    case 'timestamp':
      return `the date ${parsed.value}, which Mastodon refuses to load`;
    default:
      return `the ${parsed.tag === 'bool' ? 'boolean' : 'number'} ${String(parsed.value)}`;
  }
}

/**
 * The version's facts when known; otherwise what the schema proves: the var-unique shape exists only from the
 * release that introduced it, where the registration default and the automatic switch are settled too; the thing
 * columns leave everything before open. A minor-only version leaves facts that change at a patch undecided.
 */
export function knownTraits(
  version: VersionInfo,
  schema: SettingsSchema,
): { defaultMode?: Decided<RegistrationsMode>; autoSwitch?: Decided<boolean> } {
  if (version.version) {
    const facts = factsFor(version.version);
    return {
      defaultMode: facts.defaultRegistrationsMode,
      autoSwitch: facts.autoSwitchToApproved,
    };
  }
  const varUniqueFrom = parseMastodonVersion(firstReleaseWith('settingsShape', 'var-unique') ?? '');
  if (schema === 'var-unique' && varUniqueFrom) {
    const facts = factsFor(varUniqueFrom);
    return {
      defaultMode: facts.defaultRegistrationsMode,
      autoSwitch: facts.autoSwitchToApproved,
    };
  }
  return {};
}

function modeDefaultText(): string {
  const closedFrom = firstReleaseWith('defaultRegistrationsMode', 'none');
  return `open before ${closedFrom}, closed from ${closedFrom} on`;
}

const lowerCaseLabel = (mode: RegistrationsMode) => REGISTRATION_MODE_LABELS[mode].toLowerCase();

export function interpretMode(raw: string | undefined, version: VersionInfo, schema: SettingsSchema): ModeState {
  if (raw === undefined) {
    const { defaultMode } = knownTraits(version, schema);
    if (defaultMode?.known) return { source: 'default', mode: defaultMode.value };
    if (defaultMode && version.version) {
      return {
        source: 'default',
        defaultUnknown:
          "No row is stored, so the version's default applies, " +
          `and it changed within ${version.version.major}.${version.version.minor} ` +
          `(${describeUndecided(defaultMode, version.version, lowerCaseLabel)}). ` +
          `${version.source} names no patch release, so either may apply; choose a mode below to store one.`,
      };
    }
    return {
      source: 'default',
      defaultUnknown:
        `No row is stored, so the version's default applies: ${modeDefaultText()}. ` +
        `The version is unknown (${version.version ? '' : version.problem}).`,
    };
  }
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'str' && (REGISTRATION_MODES as readonly string[]).includes(parsed.value)) {
    return { source: 'stored', raw, mode: parsed.value as RegistrationsMode };
  }
  return { source: 'stored', raw, unrecognised: describeParsed(parsed) };
}

export function interpretFlag(raw: string | undefined): FlagState {
  if (raw === undefined) return { source: 'default', value: false };
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'bool') return { source: 'stored', raw, value: parsed.value };
  if (parsed.ok && parsed.tag === 'null')
    return { source: 'stored', raw, value: false, note: 'Stored as nil, which counts as false.' };
  return {
    source: 'stored',
    raw,
    value: parsed.ok,
    note: parsed.ok
      ? `Stored as ${describeParsed(parsed)}, not a boolean; Ruby counts it as true.`
      : `Stored value is ${describeParsed(parsed)}; Mastodon may fail to load it.`,
  };
}

export function interpretText(raw: string | undefined): TextState {
  if (raw === undefined) return { source: 'default', value: '' };
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'str') return { source: 'stored', raw, value: parsed.value };
  if (parsed.ok && parsed.tag === 'null') return { source: 'stored', raw, value: '' };
  if (parsed.ok)
    return { source: 'stored', raw, value: String(parsed.value), note: `Stored as ${describeParsed(parsed)}.` };
  return { source: 'stored', raw, value: '', note: `Stored value is ${describeParsed(parsed)}.` };
}

/** Puts the rows, the version and the environment together; pure, so every case is a unit test. */
export function interpretRegistrations(input: {
  rows: Partial<Record<RegistrationVar, string>>;
  version: VersionInfo;
  schema: SettingsSchema;
  env: RegistrationOverridesEnv;
}): RegistrationSettings {
  const { rows, version, schema, env } = input;
  const mode = interpretMode(rows.registrations_mode, version, schema);
  const overrides: RegistrationOverride[] = [];
  if (env.singleUserMode) {
    overrides.push({
      code: 'single_user_mode',
      tone: 'bad',
      message: 'SINGLE_USER_MODE=true in .env.production: registrations are disabled whatever this setting says.',
    });
  }
  if (mode.unrecognised) {
    overrides.push({
      code: 'unrecognised_mode',
      tone: 'warn',
      message:
        `The stored registrations_mode is ${mode.unrecognised}, not open, approved or none. ` +
        "Mastodon compares with == 'open' and != 'none', " +
        'so sign-ups stay enabled but are not approved automatically. Choose a mode below to store a valid one.',
    });
  }
  const { autoSwitch } = knownTraits(version, schema);
  if (mode.mode === 'open' && !env.singleUserMode) {
    const disabledBy = env.autoApprovedSwitchDisabled
      ? 'DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS=true'
      : env.emailDomainAllowlist
        ? 'the e-mail domain allowlist (EMAIL_DOMAIN_ALLOWLIST or EMAIL_DOMAIN_WHITELIST) being set'
        : undefined;
    const rule =
      `From Mastodon ${firstReleaseWith('autoSwitchToApproved', true)} on, ` +
      'an hourly job (auto_close_registrations_scheduler) switches open registrations ' +
      'to approval-required when no moderator has signed in for about a week, and emails the admins.';
    if (autoSwitch?.known && !autoSwitch.value) {
      // Older releases have no automatic switch.
    } else if (disabledBy) {
      overrides.push({
        code: 'auto_switch_disabled',
        tone: 'neutral',
        message: `${rule} Disabled here by ${disabledBy}.`,
      });
    } else if (autoSwitch?.known) {
      overrides.push({
        code: 'auto_switch_to_approved',
        tone: 'warn',
        message: `${rule} Set DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS=true to keep them open.`,
      });
    } else {
      const why = version.version ? `${version.source} names no patch release` : 'The version is unknown';
      overrides.push({ code: 'auto_switch_maybe', tone: 'warn', message: `${rule} ${why}, so this may apply.` });
    }
  }
  const effective = env.singleUserMode
    ? 'closed'
    : mode.mode === 'none'
      ? 'closed'
      : mode.mode === 'open'
        ? 'open'
        : mode.mode === 'approved' || mode.unrecognised
          ? 'approved'
          : 'unknown';
  return {
    schema,
    version,
    mode,
    requireInviteText: interpretFlag(rows.require_invite_text),
    closedRegistrationsMessage: interpretText(rows.closed_registrations_message),
    overrides,
    effective,
  };
}

/** SCAN patterns for the cached settings and the rendered /api/v1|v2/instance answers. */
export function cachePatterns(prefix: string, vars: readonly RegistrationVar[]): string[] {
  return [...settingsCachePatterns(prefix, vars), `${redisGlobEscape(prefix)}api/v*/instances/show*`];
}

/** How a state is named in a change's `from`: the mode, 'unrecognised' for a stored odd value, 'unknown' for an
 * unknown default. */
export function modeKey(mode: ModeState): RegistrationsMode | 'unrecognised' | 'unknown' {
  return mode.mode ?? (mode.unrecognised ? 'unrecognised' : 'unknown');
}
