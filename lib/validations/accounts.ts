import { z } from 'zod';

/**
 * The account form's input, shared by the browser form and the server action. It reproduces Mastodon's
 * rules for a local account (mastodon/mastodon v4.3.0 app/models/account.rb: `[a-z0-9_]`, at most 30) and adds one
 * of its own: no value may
 * start with '-', so that nothing the admin types can be read by tootctl's option parser as an option.
 * Reserved names (per version), uniqueness and the role's existence are checked on the server.
 */

export const USERNAME_MAX = 30;
export const EMAIL_MAX = 254;
export const ROLE_MAX = 64;

// C0 and C1 control characters, DEL, and the invisible format characters (zero-width space/joiners, BOM,
// bidi overrides) that make two different strings look alike.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;

function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (character === '\n' || character === '\r') return `a line break (${hex})`;
  if (CONTROL.test(character)) return `an invisible control character (${hex})`;
  if (/\s/.test(character)) return `a space (${hex})`;
  if (code > 0x7f) return `"${character}" (${hex}), which is not a Latin letter a–z even if it looks like one`;
  return `"${character}"`;
}

function firstBadCharacter(value: string, allowed: RegExp): string | undefined {
  for (const character of value) if (!allowed.test(character)) return character;
  return undefined;
}

/**
 * Mastodon: `/\A[a-z0-9_]+\z/i`, at most 30 characters, compared case-insensitively. The characters are
 * checked before lower-casing, because toLowerCase() folds some look-alikes (the Kelvin sign K) into ASCII.
 */
export const usernameSchema = z
  .string({ error: 'Enter a username' })
  .trim()
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (value.length === 0) return fail('Enter a username');
    if (value.startsWith('-')) return fail("A username cannot start with '-'; use letters a–z, digits and _ only");
    const bad = firstBadCharacter(value, /^[A-Za-z0-9_]$/);
    if (bad !== undefined)
      return fail(`A username may contain only letters a–z, digits and _; it contains ${describeCharacter(bad)}`);
    if (value.length > USERNAME_MAX)
      return fail(`A username has at most ${USERNAME_MAX} characters (this one has ${value.length})`);
  })
  .transform((value) => value.toLowerCase());

// A deliberately plain address: ASCII local part of the usual characters, and a domain of labels with a
// top-level domain. Quotes, comments, IP literals and non-ASCII addresses are valid RFC 5321 but not worth
// the risk for the one address an Owner needs.
const LOCAL_PART = /^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const emailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (value.length === 0) return fail('Enter an email address');
    if (value.length > EMAIL_MAX)
      return fail(`An email address has at most ${EMAIL_MAX} characters (this one has ${value.length})`);
    if (/\s/.test(value)) return fail('An email address cannot contain spaces or line breaks');
    if (CONTROL.test(value)) return fail('An email address cannot contain control or invisible characters');
    if (value.startsWith('-')) return fail("An email address cannot start with '-'");
    const at = value.lastIndexOf('@');
    if (at < 0 || value.indexOf('@') !== at) return fail('An email address has exactly one @, as in name@example.org');
    const local = value.slice(0, at).toLowerCase();
    const domain = value.slice(at + 1).toLowerCase();
    if (local.length === 0 || local.length > 64) return fail('The part before the @ must have 1 to 64 characters');
    const badLocal = firstBadCharacter(local, /^[a-z0-9._%+-]$/);
    if (badLocal !== undefined)
      return fail(`Before the @ use letters, digits and . _ % + - only; found ${describeCharacter(badLocal)}`);
    if (!LOCAL_PART.test(local))
      return fail('The part before the @ cannot start or end with a dot or contain two dots in a row');
    if (!DOMAIN.test(domain))
      return fail(
        'After the @ give a domain such as example.org (letters, digits, - and dots, with a top-level domain)',
      );
  })
  // Devise stores addresses lower-cased (case_insensitive_keys), and so does tootctl.
  .transform((value) => value.toLowerCase());

/**
 * A role name as stored in user_roles.name; whether it exists (case-sensitive, like Mastodon) is checked on the server.
 */
export const roleSchema = z.string({ error: 'Choose a role' }).superRefine((value, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (value.trim().length === 0) return fail('Choose a role');
  if (value.length > ROLE_MAX) return fail(`A role name has at most ${ROLE_MAX} characters`);
  if (CONTROL.test(value)) return fail('A role name cannot contain control or invisible characters');
  if (value.startsWith('-')) return fail("A role name cannot start with '-'");
});

export const createAccountSchema = z
  .object({
    username: usernameSchema,
    email: emailSchema,
    role: roleSchema,
    confirmed: z.boolean({ error: 'Confirmed is a yes/no choice' }).default(true),
    approve: z.boolean({ error: 'Approve is a yes/no choice' }).default(true),
  })
  .strict();

export type CreateAccountInput = z.output<typeof createAccountSchema>;

/** The form's fields as the schema's input (a checkbox sends "on" or nothing). */
export function accountFormInput(form: FormData): unknown {
  return {
    username: form.get('username') ?? '',
    email: form.get('email') ?? '',
    role: form.get('role') ?? '',
    confirmed: form.get('confirmed') === 'on',
    approve: form.get('approve') === 'on',
  };
}
export type CreateAccountFields = 'username' | 'email' | 'role';
export type AccountFieldErrors = Partial<Record<CreateAccountFields, string[]>>;
