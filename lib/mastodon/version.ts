/**
 * Mastodon versions and the behaviours that change between them (shared/reference/mastodon.md). Pure:
 * where the version comes from (image tag, /api/v2/instance) is the caller's business.
 */
export interface MastodonVersion {
  major: number;
  minor: number;
  /** 0 when the source named only major.minor (a `v4.2` tag): then `patchKnown` is false. */
  patch: number;
  /** False for a minor-only text such as "v4.2": facts that change within that minor cannot be decided from it. */
  patchKnown: boolean;
  /** As found, e.g. "4.3.17" or "4.5.0-beta.1+glitch". */
  text: string;
}

/** Parses "v4.3.17", "4.3.17", "4.2", "v4.5.0-beta.1+glitch"; undefined for "latest" or a digest. */
export function parseMastodonVersion(text: string): MastodonVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?([-+].*)?$/.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? 0),
    patchKnown: match[3] !== undefined,
    text: text.trim().replace(/^v/, ''),
  };
}

export function atLeast(version: MastodonVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** What differs per version for the dashboard's actions. */
export interface VersionTraits {
  /** `tootctl accounts create --approve` exists (4.1+); 4.0 needs `accounts modify --approve` after. */
  createHasApproveFlag: boolean;
  /** tootctl prints its errors on stderr (4.3+) rather than stdout (≤4.2). */
  tootctlErrorsOnStderr: boolean;
  /** Settings rows carry thing_type/thing_id (≤4.3); 4.4+ has a unique index on var. */
  settingsHaveThingColumns: boolean;
  /** Registration mode when no settings row exists: open up to 4.2, none from 4.3. */
  defaultRegistrationsMode: 'open' | 'none';
  /** 4.3+ switches open registrations to approved when no moderator has been active for a week. */
  autoSwitchesToApproved: boolean;
  /** REDIS_NAMESPACE prefixes keys (≤4.3); 4.4+ refuses to boot with it. */
  honoursRedisNamespace: boolean;
  /** Usernames `tootctl accounts create` refuses as reserved; empty from 4.4.4 (bypassed for the CLI). */
  reservedUsernames: readonly string[];
}

const RESERVED_UP_TO_4_3 = ['admin', 'support', 'help', 'root', 'webmaster', 'administrator', 'mod', 'moderator'];
const RESERVED_4_4_0_TO_4_4_3 = [
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
];

export function versionTraits(version: MastodonVersion): VersionTraits {
  const from43 = atLeast(version, 4, 3);
  const from44 = atLeast(version, 4, 4);
  return {
    createHasApproveFlag: atLeast(version, 4, 1),
    tootctlErrorsOnStderr: from43,
    settingsHaveThingColumns: !from44,
    defaultRegistrationsMode: from43 ? 'none' : 'open',
    autoSwitchesToApproved: from43,
    honoursRedisNamespace: !from44,
    reservedUsernames: atLeast(version, 4, 4, 4) ? [] : from44 ? RESERVED_4_4_0_TO_4_4_3 : RESERVED_UP_TO_4_3,
  };
}
