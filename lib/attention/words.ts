import { text, type Text } from '../i18n/text';
import type { AttentionText } from './types';

/**
 * Lists of words as one Text: the parts chained with a separator message (`attention.join.semicolon`:
 * "{head}; {tail}"), so that each part is rendered in the reader's language. Undefined for no parts.
 */
export function joinTexts(
  parts: readonly AttentionText[],
  separator: 'semicolon' | 'space' | 'comma',
): AttentionText | undefined {
  if (parts.length === 0) return undefined;
  return parts.reduceRight<AttentionText | undefined>(
    (tail, head) => (tail === undefined ? head : text(`attention.join.${separator}`, { head, tail })),
    undefined,
  );
}

/** Names (queues, versions) are data: joined with ", " as they are. */
export function names(values: readonly string[]): string {
  return values.join(', ');
}

export type { Text };
