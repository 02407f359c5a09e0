/** How findings put lists and counts into words. */
import { text, type Text } from '@/lib/i18n/text';

/** "A, B and C" (keys and line numbers are data; only the "and" is a word). */
export function andList(words: readonly string[]): Text | string {
  if (words.length <= 1) return words.join('');
  return text('doctor.words.list', { head: words.slice(0, -1).join(', '), last: words.at(-1) ?? '' });
}

/** A list of Texts: "A, B and C" with every item rendered in the reader's language. */
export function listOfTexts(items: readonly Text[]): Text | string {
  if (items.length === 0) return '';
  const [first, ...rest] = items;
  if (!first) return '';
  if (rest.length === 0) return first;
  let head: Text = first;
  for (const item of rest.slice(0, -1)) head = text('doctor.words.comma', { head, next: item });
  return text('doctor.words.list', { head, last: rest.at(-1) ?? '' });
}
