import { describe, expect, it } from 'vitest';

import { formatFor } from '@/lib/i18n/format';
import { localeOfTag } from '@/lib/i18n/locales';
import { chooseLocale, localeOfAcceptLanguage } from '@/lib/i18n/negotiate';
import { decodeText, encodeText, renderText, text, type Translate } from '@/lib/i18n/text';

describe('choosing the language', () => {
  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['de-AT', 'de'],
    ['en-GB,en;q=0.9,de;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9,de;q=0.5', 'de'],
    ['fr-FR,fr;q=0.9', 'en'],
    ['en;q=0.2,de;q=0.9', 'de'],
    ['*', 'en'],
    ['', 'en'],
    ['not a language!!', 'en'],
  ])('Accept-Language %j gives %s', (header, locale) => {
    expect(localeOfAcceptLanguage(header)).toBe(locale);
  });

  it('the switch’s cookie wins over the browser; a cookie for a language we do not speak is ignored', () => {
    expect(chooseLocale('en', 'de-DE')).toBe('en');
    expect(chooseLocale('de', 'en-US')).toBe('de');
    expect(chooseLocale('fr', 'de-DE')).toBe('de');
    expect(chooseLocale(undefined, undefined)).toBe('en');
  });

  it('reads Mastodon’s DEFAULT_LOCALE codes', () => {
    expect(localeOfTag('de')).toBe('de');
    expect(localeOfTag('de-CH')).toBe('de');
    expect(localeOfTag('en-GB')).toBe('en');
    expect(localeOfTag('pt-BR')).toBeUndefined();
    expect(localeOfTag(undefined)).toBeUndefined();
  });
});

describe('formatting by language', () => {
  const en = formatFor('en');
  const de = formatFor('de');

  it('numbers, percentages and sizes', () => {
    expect(en.percent(11.23)).toBe('11.2 %');
    expect(de.percent(11.23)).toBe('11,2 %');
    expect(de.percent(100)).toBe('100 %');
    expect(en.bytes(3.6 * 1024 ** 3)).toBe('3.6 GiB');
    expect(de.bytes(3.6 * 1024 ** 3)).toBe('3,6 GiB');
    expect(de.bytes(512)).toBe('512 B');
    expect(en.number(1234567)).toBe('1,234,567');
    expect(de.number(1234567)).toBe('1.234.567');
  });

  it('dates and durations', () => {
    const when = Date.UTC(2026, 11, 3, 8, 17);
    expect(de.dateTime(when, { timeZone: 'UTC' })).toBe('3. Dez. 2026, 08:17');
    expect(en.dateTime(when, { timeZone: 'UTC' })).toBe('Dec 3, 2026, 08:17 AM');
    expect(en.duration((3 * 86_400 + 4 * 3_600 + 5) * 1000)).toBe('3 d 4 h');
    expect(de.duration((3 * 86_400 + 4 * 3_600 + 5) * 1000)).toBe('3 Tg. 4 Std.');
    expect(de.duration(12 * 60_000)).toBe('12 Min.');
  });
});

describe('Texts', () => {
  const translate: Translate = (key, values) => `${key}(${JSON.stringify(values ?? {})})`;

  it('renders nested Texts first, in the same language', () => {
    const message = text('errors.joined', { title: text('errors.internal.title'), detail: 'plain' });
    expect(renderText(translate, message)).toBe(
      'errors.joined({"title":"errors.internal.title({})","detail":"plain"})',
    );
  });

  it('survives a zod message round trip, and leaves plain strings alone', () => {
    const message = text('errors.internal.detail', { count: 3 });
    expect(decodeText(encodeText(message))).toEqual(message);
    expect(decodeText('Enter your password')).toBe('Enter your password');
  });
});
