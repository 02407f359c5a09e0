import { z } from 'zod';

import { encodeText, text, type Text } from '../i18n/text';

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

/** The character and its U+ code, as a Text for the field error (accounts.characters.*). */
export function describeCharacter(character: string): Text {
  const code = character.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (character === '\n' || character === '\r') return text('accounts.characters.lineBreak', { code: hex });
  if (CONTROL.test(character)) return text('accounts.characters.control', { code: hex });
  if (/\s/.test(character)) return text('accounts.characters.space', { code: hex });
  if (code > 0x7f) return text('accounts.characters.notLatin', { character, code: hex });
  return text('accounts.characters.plain', { character });
}

/** A zod message in the reader's language (FieldError decodes it). */
function issue(key: Parameters<typeof text>[0], values?: Parameters<typeof text>[1]): string {
  return encodeText(text(key, values));
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
  .string({ error: issue('accounts.fields.usernameRequired') })
  .trim()
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (value.length === 0) return fail(issue('accounts.fields.usernameRequired'));
    if (value.startsWith('-')) return fail(issue('accounts.fields.usernameDash'));
    const bad = firstBadCharacter(value, /^[A-Za-z0-9_]$/);
    if (bad !== undefined)
      return fail(issue('accounts.fields.usernameCharacter', { character: describeCharacter(bad) }));
    if (value.length > USERNAME_MAX)
      return fail(issue('accounts.fields.usernameTooLong', { max: USERNAME_MAX, length: value.length }));
  })
  .transform((value) => value.toLowerCase());

// A deliberately plain address: ASCII local part of the usual characters, and a domain of labels with a
// top-level domain. Quotes, comments, IP literals and non-ASCII addresses are valid RFC 5321 but not worth
// the risk for the one address an Owner needs.
const LOCAL_PART = /^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const emailSchema = z
  .string({ error: issue('accounts.fields.emailRequired') })
  .trim()
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (value.length === 0) return fail(issue('accounts.fields.emailRequired'));
    if (value.length > EMAIL_MAX)
      return fail(issue('accounts.fields.emailTooLong', { max: EMAIL_MAX, length: value.length }));
    if (/\s/.test(value)) return fail(issue('accounts.fields.emailSpace'));
    if (CONTROL.test(value)) return fail(issue('accounts.fields.emailControl'));
    if (value.startsWith('-')) return fail(issue('accounts.fields.emailDash'));
    const at = value.lastIndexOf('@');
    if (at < 0 || value.indexOf('@') !== at) return fail(issue('accounts.fields.emailOneAt'));
    const local = value.slice(0, at).toLowerCase();
    const domain = value.slice(at + 1).toLowerCase();
    if (local.length === 0 || local.length > 64) return fail(issue('accounts.fields.emailLocalLength'));
    const badLocal = firstBadCharacter(local, /^[a-z0-9._%+-]$/);
    if (badLocal !== undefined)
      return fail(issue('accounts.fields.emailLocalCharacter', { character: describeCharacter(badLocal) }));
    if (!LOCAL_PART.test(local)) return fail(issue('accounts.fields.emailLocalDots'));
    if (!DOMAIN.test(domain)) return fail(issue('accounts.fields.emailDomain'));
  })
  // Devise stores addresses lower-cased (case_insensitive_keys), and so does tootctl.
  .transform((value) => value.toLowerCase());

/**
 * A role name as stored in user_roles.name; whether it exists (case-sensitive, like Mastodon) is checked on the server.
 */
export const roleSchema = z.string({ error: issue('accounts.fields.roleRequired') }).superRefine((value, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (value.trim().length === 0) return fail(issue('accounts.fields.roleRequired'));
  if (value.length > ROLE_MAX) return fail(issue('accounts.fields.roleTooLong', { max: ROLE_MAX }));
  if (CONTROL.test(value)) return fail(issue('accounts.fields.roleControl'));
  if (value.startsWith('-')) return fail(issue('accounts.fields.roleDash'));
});

export const createAccountSchema = z
  .object({
    username: usernameSchema,
    email: emailSchema,
    role: roleSchema,
    confirmed: z.boolean({ error: issue('accounts.fields.confirmedChoice') }).default(true),
    approve: z.boolean({ error: issue('accounts.fields.approveChoice') }).default(true),
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
