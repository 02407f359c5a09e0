import 'server-only';

import type { SettingsSchema } from '../settings-table';
import { redisGlobEscape, settingsCachePatterns } from '../settings-cache-keys';
import { parseYamlScalar, type YamlParseResult } from '../settings-yaml';
import { parseMastodonVersion } from '../version';
import type { RunningVersion } from '../running-version';
import { inEnglish } from '../../i18n/english';
import { text, type Text } from '../../i18n/text';
import { describeUndecidedText } from '../undecided-text';
import { factsFor, firstReleaseWith, type Decided } from '../version-facts';

/**
 * The registration settings as data: their shapes, and what a stored row means for the running version and
 * the environment. Pure, so every case is a unit test; postgres.ts reads and writes the rows, redis.ts the
 * Rails cache, index.ts puts them together.
 */

export const REGISTRATION_MODES = ['open', 'approved', 'none'] as const;
export type RegistrationsMode = (typeof REGISTRATION_MODES)[number];

/** English labels (the home page's people panel); pages in the reader's language use registrations.modes.*. */
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
  /** A stored value that is not open, approved or none, described as found (English; see unrecognisedText). */
  unrecognised?: string;
  /** The same description in the reader's language. */
  unrecognisedText?: Text;
  /** Why the default is not known, when there is no row and the version is unknown. */
  defaultUnknown?: Text;
}

export interface FlagState extends StoredSetting {
  /** As Ruby tests it: anything but false and nil counts as true. */
  value: boolean;
  /** Set when the stored value is not a plain boolean (e.g. the string 'false', which Ruby treats as true). */
  note?: Text;
}

export interface TextState extends StoredSetting {
  value: string;
  note?: Text;
}

export interface RegistrationOverride {
  code:
    'single_user_mode' | 'auto_switch_to_approved' | 'auto_switch_disabled' | 'auto_switch_maybe' | 'unrecognised_mode';
  tone: 'bad' | 'warn' | 'neutral';
  /** In English (the home page's people panel reads it); `text` is the same in the reader's language. */
  message: string;
  text: Text;
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

function describeParsed(parsed: YamlParseResult): Text {
  if (!parsed.ok) return text('registrations.stored.notYaml', { problem: parsed.problem });
  switch (parsed.tag) {
    case 'str':
      return text('registrations.stored.text', { value: JSON.stringify(parsed.value) });
    case 'symbol':
      return text('registrations.stored.symbol', { value: parsed.value });
    case 'null':
      return text('registrations.stored.nil');
    case 'timestamp':
      return text('registrations.stored.date', { value: parsed.value });
    default:
      return parsed.tag === 'bool'
        ? text('registrations.stored.boolean', { value: String(parsed.value) })
        : text('registrations.stored.number', { value: String(parsed.value) });
  }
}

/** An override, with its English words for the readers that are not translated yet. */
function override(
  code: RegistrationOverride['code'],
  tone: RegistrationOverride['tone'],
  words: Text,
): RegistrationOverride {
  return { code, tone, message: inEnglish(words), text: words };
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

const modeWord = (mode: RegistrationsMode) => text(`registrations.lowerCaseModes.${mode}`);

export function interpretMode(raw: string | undefined, version: VersionInfo, schema: SettingsSchema): ModeState {
  if (raw === undefined) {
    const { defaultMode } = knownTraits(version, schema);
    if (defaultMode?.known) return { source: 'default', mode: defaultMode.value };
    if (defaultMode && version.version) {
      return {
        source: 'default',
        defaultUnknown: text('registrations.defaults.undecided', {
          minor: `${version.version.major}.${version.version.minor}`,
          decided: describeUndecidedText(defaultMode, version.version, modeWord),
          source: version.from,
        }),
      };
    }
    return {
      source: 'default',
      defaultUnknown: text('registrations.defaults.unknown', {
        closedFrom: firstReleaseWith('defaultRegistrationsMode', 'none') ?? '',
        problem: version.version ? '' : version.problem,
      }),
    };
  }
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'str' && (REGISTRATION_MODES as readonly string[]).includes(parsed.value)) {
    return { source: 'stored', raw, mode: parsed.value as RegistrationsMode };
  }
  const described = describeParsed(parsed);
  return { source: 'stored', raw, unrecognised: inEnglish(described), unrecognisedText: described };
}

export function interpretFlag(raw: string | undefined): FlagState {
  if (raw === undefined) return { source: 'default', value: false };
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'bool') return { source: 'stored', raw, value: parsed.value };
  if (parsed.ok && parsed.tag === 'null')
    return { source: 'stored', raw, value: false, note: text('registrations.notes.nil') };
  return {
    source: 'stored',
    raw,
    value: parsed.ok,
    note: parsed.ok
      ? text('registrations.notes.notBoolean', { value: describeParsed(parsed) })
      : text('registrations.notes.unreadableFlag', { value: describeParsed(parsed) }),
  };
}

export function interpretText(raw: string | undefined): TextState {
  if (raw === undefined) return { source: 'default', value: '' };
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'str') return { source: 'stored', raw, value: parsed.value };
  if (parsed.ok && parsed.tag === 'null') return { source: 'stored', raw, value: '' };
  if (parsed.ok)
    return {
      source: 'stored',
      raw,
      value: String(parsed.value),
      note: text('registrations.notes.storedAs', { value: describeParsed(parsed) }),
    };
  return {
    source: 'stored',
    raw,
    value: '',
    note: text('registrations.notes.storedValue', { value: describeParsed(parsed) }),
  };
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
    overrides.push(override('single_user_mode', 'bad', text('registrations.overrides.singleUserMode')));
  }
  if (mode.unrecognisedText) {
    overrides.push(
      override(
        'unrecognised_mode',
        'warn',
        text('registrations.overrides.unrecognised', { value: mode.unrecognisedText }),
      ),
    );
  }
  const { autoSwitch } = knownTraits(version, schema);
  if (mode.mode === 'open' && !env.singleUserMode) {
    const disabledBy = env.autoApprovedSwitchDisabled
      ? 'DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS=true'
      : env.emailDomainAllowlist
        ? text('registrations.overrides.allowlist')
        : undefined;
    const rule = text('registrations.overrides.autoSwitchRule', {
      since: firstReleaseWith('autoSwitchToApproved', true) ?? '',
    });
    if (autoSwitch?.known && !autoSwitch.value) {
      // Older releases have no automatic switch.
    } else if (disabledBy) {
      overrides.push(
        override(
          'auto_switch_disabled',
          'neutral',
          text('registrations.overrides.autoSwitchDisabled', { rule, disabledBy }),
        ),
      );
    } else if (autoSwitch?.known) {
      overrides.push(
        override('auto_switch_to_approved', 'warn', text('registrations.overrides.autoSwitchOn', { rule })),
      );
    } else {
      const why = version.version
        ? text('registrations.overrides.noPatch', { source: version.from })
        : text('registrations.overrides.versionUnknown');
      overrides.push(
        override('auto_switch_maybe', 'warn', text('registrations.overrides.autoSwitchMaybe', { rule, why })),
      );
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
