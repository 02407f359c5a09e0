/**
 * A Mastodon version as found (image tag, /api/v2/instance). What a version implies is in version-facts.ts;
 * where the version comes from is the caller's business.
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
