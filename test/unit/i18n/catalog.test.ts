import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';

import { messagesFor, NAMESPACES, readMessageFiles } from '@/lib/i18n/catalog';
import { LOCALES, type Locale } from '@/lib/i18n/locales';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [nested, text] of flatten(value, full)) out.set(nested, text);
  }
  return out;
}

/** The names an ICU message takes: `{name}`, `{count, plural, …}`, `{when, date}`, and `<tag>` chunks. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*[,}]/g)) names.add(match[1] ?? '');
  for (const match of message.matchAll(/<([A-Za-z][\w]*)>/g)) names.add(`<${match[1] ?? ''}>`);
  return [...names].sort();
}

const QUOTES_AN_ARGUMENT = /(?<!')'\{/;

const ROOT = path.join(process.cwd(), 'messages');
const files = (locale: string) => readdirSync(path.join(ROOT, locale)).sort();

/** A language's files as written, before the catalog compiles them. */
const written = (locale: Locale): Tree => readMessageFiles(locale);

const english = flatten(written('en'));

describe('the message catalog', () => {
  it('loads every namespace file of messages/<locale>/, and the same files for every language', () => {
    for (const locale of LOCALES) {
      expect(files(locale)).toEqual(files('en'));
      expect([...NAMESPACES].sort()).toEqual(files(locale).map((file) => file.replace(/\.json$/, '')));
      expect(Object.keys(messagesFor(locale)).sort()).toEqual([...NAMESPACES].sort());
      for (const file of files(locale)) {
        expect(
          () => JSON.parse(readFileSync(path.join(ROOT, locale, file), 'utf8')),
          `${locale}/${file}`,
        ).not.toThrow();
      }
    }
  });

  for (const locale of LOCALES) {
    it(`every ${locale} message is valid ICU (the build compiles them; a stray < or { breaks it)`, () => {
      const invalid = [...flatten(written(locale))].flatMap(([key, message]) => {
        try {
          parse(message);
          return [];
        } catch (error) {
          return [`${key}: ${(error as Error).message}`];
        }
      });
      expect(invalid).toEqual([]);
    });
  }

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    const translated = flatten(written(locale));

    it(`${locale} has exactly the English keys: none missing, none left over`, () => {
      const missing = [...english.keys()].filter((key) => !translated.has(key));
      const extra = [...translated.keys()].filter((key) => !english.has(key));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it(`${locale} messages take the same arguments as the English ones`, () => {
      const differing = [...english].flatMap(([key, message]) => {
        const other = translated.get(key);
        return other !== undefined && argumentsOf(other).join() !== argumentsOf(message).join()
          ? [`${key}: ${argumentsOf(message).join()} ≠ ${argumentsOf(other).join()}`]
          : [];
      });
      expect(differing).toEqual([]);
    });

    it(`no ${locale} message is empty`, () => {
      expect([...translated].filter(([, message]) => message.trim() === '').map(([key]) => key)).toEqual([]);
    });
  }

  for (const locale of LOCALES) {
    it(`no ${locale} message quotes an argument away by mistake (ICU reads '{ as the start of literal text)`, () => {
      // A single ' before { starts quoted literal text: `grep '{grep}'` prints {grep}. Write '' for an apostrophe.
      const quotedAway = [...flatten(written(locale))]
        .filter(([, message]) => QUOTES_AN_ARGUMENT.test(message))
        .map(([key]) => key);
      expect(quotedAway).toEqual([]);
    });
  }

  it('finds a missing German key (the check can fail)', () => {
    const germanWithout = flatten({ a: { b: 'x' } });
    const englishWith = flatten({ a: { b: 'x', c: 'y' } });
    expect([...englishWith.keys()].filter((key) => !germanWithout.has(key))).toEqual(['a.c']);
    expect(argumentsOf('{count, plural, one {# Konto} other {# Konten}} in {name}')).toEqual(['count', 'name']);
    expect(QUOTES_AN_ARGUMENT.test("grep '{grep}'")).toBe(true);
    expect(QUOTES_AN_ARGUMENT.test("grep ''{grep}''")).toBe(false);
  });
});
