import { text, type Text } from '../i18n/text';
import type { MastodonVersion } from './version';
import type { Decided } from './version-facts';

/** Several Texts as one, separated as `key` says (built from the end, each rendered in the reader's language). */
export function joinTexts(
  parts: readonly (Text | string)[],
  key: 'accounts.tootctl.joinedBySemicolon' | 'accounts.tootctl.joinedBySpace',
): Text | string {
  return (
    parts.reduceRight<Text | string | undefined>(
      (rest, first) => (rest === undefined ? first : text(key, { first, rest })),
      undefined,
    ) ?? ''
  );
}

/**
 * What the patch release decides, range by range ("4.2.0–4.2.7: open; 4.2.8 and later: closed"): version-facts'
 * describeUndecided, in Texts, for pages that show it in the reader's language.
 */
export function describeUndecidedText<T>(
  fact: Decided<T>,
  version: MastodonVersion,
  show: (value: T) => Text | string,
): Text | string {
  if (fact.known) return show(fact.value);
  const bounds = [`${version.major}.${version.minor}.0`, ...fact.changesAt];
  const parts = fact.either.map((value, index) => {
    const from = bounds[index]!;
    const next = bounds[index + 1];
    if (next === undefined) return text('accounts.tootctl.rangeOnward', { from, names: show(value) });
    const [major, minor, patch] = next.split('.').map(Number);
    const until = `${major}.${minor}.${(patch ?? 1) - 1}`;
    return text('accounts.tootctl.range', { range: from === until ? from : `${from}–${until}`, names: show(value) });
  });
  return joinTexts(parts, 'accounts.tootctl.joinedBySemicolon');
}
