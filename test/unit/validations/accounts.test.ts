import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { decodeText, renderText } from '@/lib/i18n/text';
import { createAccountSchema } from '@/lib/validations/accounts';

const GOOD = { username: 'alice_2', email: 'alice@example.org', role: 'Owner', confirmed: true, approve: true };

type Field = 'username' | 'email' | 'role';

/** Hostile or malformed values, each with the field it goes in and (part of) the message it must get. */
const HOSTILE_INPUTS: readonly [label: string, field: Field, value: unknown, message: RegExp][] = [
  ['option injection in the username', 'username', '--role=Owner', /cannot start with '-'/],
  ['a short option as username', 'username', '-x', /cannot start with '-'/],
  ['--force as username', 'username', '--force', /cannot start with '-'/],
  ['a semicolon', 'username', 'bob;id', /only letters a–z, digits and _; it contains ";"/],
  ['command substitution', 'username', '$(id)', /contains "\$"/],
  ['backticks', 'username', '`id`', /contains "`"/],
  ['a newline', 'username', 'bob\nrm', /line break \(U\+000A\)/],
  ['a NUL byte', 'username', 'bob\u0000', /invisible control character \(U\+0000\)/],
  ['a Cyrillic а in admin', 'username', '\u0430dmin', /U\+0430.*not a Latin letter/],
  ['a Greek omicron', 'username', 'b\u03bfb', /U\+03BF.*not a Latin letter/],
  ['the Kelvin sign (folds to k)', 'username', '\u212aate', /U\+212A/],
  ['a fullwidth a', 'username', '\uff41lice', /U\+FF41/],
  ['a zero-width space', 'username', 'ali\u200bce', /invisible control character \(U\+200B\)/],
  ['a dot (remote-only character)', 'username', 'alice.smith', /contains "\."/],
  ['a dash inside', 'username', 'al-ice', /contains "-"/],
  ['an @domain', 'username', 'alice@evil.example', /contains "@"/],
  ['a space inside', 'username', 'ali ce', /a space \(U\+0020\)/],
  ['31 characters', 'username', 'a'.repeat(31), /at most 30 characters \(this one has 31\)/],
  ['an oversized 100 kB username', 'username', 'a'.repeat(100 * 1024), /at most 30 characters/],
  ['empty', 'username', '', /Enter a username/],
  ['whitespace only', 'username', ' \t  ', /Enter a username/],
  ['a number instead of text', 'username', 42, /Enter a username/],
  ['an email with a space', 'email', 'alice @example.org', /spaces or line breaks/],
  [
    'an email with a newline (header injection)',
    'email',
    'alice@example.org\nBcc: x@evil.example',
    /spaces or line breaks/,
  ],
  ['an email with a NUL', 'email', 'alice@example.org\u0000', /control or invisible/],
  ['an email starting with -', 'email', '-x@example.org', /cannot start with '-'/],
  ['an email that is an option', 'email', '--role=Owner', /cannot start with '-'/],
  ['an email without @', 'email', 'alice.example.org', /exactly one @/],
  ['an email with two @', 'email', 'a@b@example.org', /exactly one @/],
  ['command substitution in an email', 'email', '$(id)@example.org', /found "\$"/],
  ['backticks in an email', 'email', '`id`@example.org', /found "`"/],
  ['a semicolon in an email', 'email', 'a;b@example.org', /found ";"/],
  ['a Cyrillic letter in an email', 'email', '\u0430lice@example.org', /U\+0430/],
  ['an email without a top-level domain', 'email', 'alice@localhost', /domain such as example.org/],
  ['an email domain with a space-free injection', 'email', 'alice@example.org;id', /domain such as example.org/],
  ['an oversized 100 kB email', 'email', `${'a'.repeat(100 * 1024)}@example.org`, /at most 254 characters/],
  ['an empty email', 'email', '', /Enter an email address/],
  ['a local part of 65 characters', 'email', `${'a'.repeat(65)}@example.org`, /1 to 64 characters/],
  ['a double dot in the local part', 'email', 'a..b@example.org', /two dots in a row/],
  ['an empty role', 'role', '', /Choose a role/],
  ['a whitespace-only role', 'role', '   ', /Choose a role/],
  ['a role that is an option', 'role', '--force', /cannot start with '-'/],
  ['a role with a newline', 'role', 'Owner\n--approve', /control or invisible/],
  ['a role with a NUL', 'role', 'Owner\u0000', /control or invisible/],
  ['an oversized role', 'role', 'O'.repeat(65), /at most 64 characters/],
];

describe('createAccountSchema', () => {
  it('accepts a plain Owner and normalises case and surrounding spaces', () => {
    const parsed = createAccountSchema.parse({ ...GOOD, username: '  Alice_2 ', email: ' Alice@Example.ORG ' });
    expect(parsed).toEqual({
      username: 'alice_2',
      email: 'alice@example.org',
      role: 'Owner',
      confirmed: true,
      approve: true,
    });
  });

  it('defaults confirmed and approve to on', () => {
    expect(createAccountSchema.parse({ username: 'bob', email: 'bob@example.org', role: 'Admin' })).toMatchObject({
      confirmed: true,
      approve: true,
    });
  });

  it('keeps the role exactly as given (role names are case-sensitive)', () => {
    expect(createAccountSchema.parse({ ...GOOD, role: 'owner' }).role).toBe('owner');
    expect(createAccountSchema.parse({ ...GOOD, role: 'Head moderator' }).role).toBe('Head moderator');
  });

  it('accepts 30 characters, digits and underscores', () => {
    expect(createAccountSchema.parse({ ...GOOD, username: 'a'.repeat(30) }).username).toHaveLength(30);
    expect(createAccountSchema.parse({ ...GOOD, username: '_0_9' }).username).toBe('_0_9');
  });

  it('accepts usual addresses', () => {
    for (const email of ['a.b+tag@mail.example.co.uk', 'x_y%z@sub-domain.example', 'owner@xn--bcher-kva.example']) {
      expect(createAccountSchema.safeParse({ ...GOOD, email }).success, email).toBe(true);
    }
  });

  it('has at least 30 hostile inputs in its table', () => {
    expect(HOSTILE_INPUTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE_INPUTS)('rejects %s with a specific message', (_label, field, value, message) => {
    const result = createAccountSchema.safeParse({ ...GOOD, [field]: value });
    expect(result.success).toBe(false);
    if (result.success) return;
    const errors = result.error.flatten().fieldErrors as Partial<Record<Field, string[]>>;
    expect(errors[field]?.length).toBe(1);
    expect(inEnglish(decodeText(errors[field]?.[0] ?? ''))).toMatch(message);
    // Only the hostile field is blamed.
    expect(Object.keys(errors)).toEqual([field]);
  });

  it('writes its messages as Texts, which read in German too', () => {
    const german = (field: Field, value: unknown) => {
      const result = createAccountSchema.safeParse({ ...GOOD, [field]: value });
      const errors = result.success ? {} : (result.error.flatten().fieldErrors as Partial<Record<Field, string[]>>);
      return renderText(translatorFor('de'), decodeText(errors[field]?.[0] ?? ''));
    };
    expect(german('username', 'bob;id')).toBe(
      'Ein Profilname darf nur Buchstaben a–z, Ziffern und _ enthalten; er enthält „;“',
    );
    expect(german('username', '\u0430dmin')).toBe(
      'Ein Profilname darf nur Buchstaben a–z, Ziffern und _ enthalten; er enthält „\u0430“ (U+0430); ' +
        'das ist kein lateinischer Buchstabe a–z, auch wenn es so aussieht',
    );
    expect(german('username', 'bob\nrm')).toMatch(/einen Zeilenumbruch \(U\+000A\)$/);
    expect(german('username', 'a'.repeat(31))).toBe('Ein Profilname hat höchstens 30 Zeichen (dieser hat 31)');
    expect(german('username', '')).toBe('Gib einen Profilnamen ein');
    expect(german('username', '--role=Owner')).toBe(
      'Ein Profilname darf nicht mit „-“ beginnen; verwende nur Buchstaben a–z, Ziffern und _',
    );
    expect(german('email', 'alice.example.org')).toBe(
      'Eine E-Mail-Adresse enthält genau ein @, wie in name@example.org',
    );
    expect(german('email', 'a;b@example.org')).toBe(
      'Verwende vor dem @ nur Buchstaben, Ziffern und . _ % + -; gefunden: „;“',
    );
    expect(german('role', '')).toBe('Wähle eine Rolle');
    for (const [label, field, value] of HOSTILE_INPUTS) {
      expect(german(field, value), label).not.toMatch(/\b(?:the|cannot|only|Enter|Choose)\b|\u0000/);
    }
  });

  it('rejects unknown fields (no extra option can be smuggled in)', () => {
    const result = createAccountSchema.safeParse({ ...GOOD, force: true, container: 'mdtest-db-1' });
    expect(result.success).toBe(false);
  });

  it('rejects non-boolean flags and a non-object body', () => {
    expect(createAccountSchema.safeParse({ ...GOOD, confirmed: 'yes' }).success).toBe(false);
    expect(createAccountSchema.safeParse('username=alice').success).toBe(false);
    expect(createAccountSchema.safeParse(null).success).toBe(false);
  });
});
