import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { isText, renderText } from '@/lib/i18n/text';

/**
 * A value with every Text in it rendered (findings, fixes, doctor results): tests of lib/ code that now returns
 * Texts keep asserting the English words, and add German ones.
 */
type Rendered<T> = T extends { key: string }
  ? [Exclude<keyof T, 'key' | 'values'>] extends [never]
    ? string
    : { [K in keyof T]: Rendered<T[K]> }
  : T extends readonly (infer U)[]
    ? Rendered<U>[]
    : T extends object
      ? { [K in keyof T]: Rendered<T[K]> }
      : T;

/** A Text has a key and values only (a finding has a `key` too, and more). */
function isBareText(value: unknown): value is Parameters<typeof inEnglish>[0] {
  return isText(value) && Object.keys(value).every((name) => name === 'key' || name === 'values');
}

function deep(value: unknown, render: (text: Parameters<typeof inEnglish>[0]) => string): unknown {
  if (isBareText(value)) return render(value);
  if (Array.isArray(value)) return value.map((item) => deep(item, render));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, deep(item, render)]));
  }
  return value;
}

export function english<T>(value: T): Rendered<T> {
  return deep(value, inEnglish) as Rendered<T>;
}

export function german<T>(value: T): Rendered<T> {
  const de = translatorFor('de');
  return deep(value, (text) => renderText(de, text)) as Rendered<T>;
}
