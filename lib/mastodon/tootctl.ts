import 'server-only';

import type { ExecArgv } from '../docker/exec-programs';
import { encodeText, text, type Text } from '../i18n/text';
import type { AccountFieldErrors, CreateAccountInput } from '../validations/accounts';
import type { MastodonVersion } from './version';
import { describeUndecidedText, joinTexts } from './undecided-text';
import { factsFor, firstReleaseWith } from './version-facts';

/**
 * `tootctl accounts create` as argv, and what it printed as a result (mastodon/mastodon v4.3.0
 * lib/mastodon/cli/accounts.rb; v4.0.2 lib/mastodon/accounts_cli.rb).
 * Pure: running it is lib/mastodon/accounts.ts's business. Options are always one token (`--email=x`), so
 * a value can never be taken for the next option, and the validated values never start with '-'.
 */

export function buildCreateAccountArgv(input: CreateAccountInput, version: MastodonVersion): ExecArgv {
  const argv: ['tootctl', ...string[]] = ['tootctl', 'accounts', 'create', input.username, `--email=${input.email}`];
  if (input.confirmed) argv.push('--confirmed');
  argv.push(`--role=${input.role}`);
  // Before --approve exists Thor would take it for a second USERNAME and fail; buildApproveArgv runs after instead.
  if (input.approve && factsFor(version).createApproval === 'create-flag') argv.push('--approve');
  return argv;
}

/** Where create has no --approve: approve the account just created (`modify --approve` sets users.approved). */
export function buildApproveArgv(username: string): ExecArgv {
  return ['tootctl', 'accounts', 'modify', username, '--approve'];
}

/** Names joined with ", ", or Mastodon's "none" when the CLI skips the check. */
function reservedNames(names: readonly string[]): Text | string {
  return names.length > 0 ? names.join(', ') : text('accounts.tootctl.reservedNone');
}

/**
 * Why a reserved name is refused, for this version (version-facts reservedUsernames: later releases
 * bypass the list for the CLI).
 */
export function reservedUsernameMessage(version: MastodonVersion): Text {
  const reserved = factsFor(version).reservedUsernames;
  const before = firstReleaseWith('reservedUsernames', []) ?? '';
  if (!reserved.known)
    return text('accounts.tootctl.reservedUndecided', {
      version: version.text,
      decided: describeUndecidedText(reserved, version, reservedNames),
      before,
    });
  if (reserved.value.length === 0) return text('accounts.tootctl.reserved', { version: version.text, before });
  return text('accounts.tootctl.reservedListed', {
    version: version.text,
    names: reservedNames(reserved.value),
    before,
  });
}

/**
 * Whether this version's tootctl surely refuses the (already lower-cased) username as reserved. When the patch
 * release decides and is unknown, tootctl is left to answer.
 */
export function isReservedUsername(username: string, version: MastodonVersion): boolean {
  const reserved = factsFor(version).reservedUsernames;
  return reserved.known && reserved.value.includes(username.toLowerCase());
}

export interface TootctlOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type CreateAccountOutcome =
  { ok: true; password: string } | { ok: false; fieldErrors: AccountFieldErrors; message: Text | string };

const PASSWORD_LINE = /^New password: ([0-9a-f]{32})$/m;
const FAILURE_BLOCK = /^Failure\/Error: ([^\n]+)\n[ \t]+([^\n]+)$/gm;
const ROLE_NOT_FOUND = 'Cannot find user role with that name';
const MAX_MESSAGE = 1500;

// Older releases print `errors.to_h` messages, in DEFAULT_LOCALE; later ones the error types (version-facts
// validationErrorText). English messages map to the same type; other languages fall to the attribute's generic text.
const HUMAN_TYPES: readonly [RegExp, string][] = [
  [/^has already been taken$/, 'taken'],
  [/^is reserved$/, 'reserved'],
  [/^is too long/, 'too_long'],
  [/^can't be blank$/, 'blank'],
  [/^must contain only letters/, 'invalid'],
  [/^is invalid$/, 'invalid'],
  [/^is blocked/, 'blocked'],
  [/^(?:is unreachable|does not seem to exist|could not be resolved)/, 'unreachable'],
];

function errorType(message: string, localised: boolean): string {
  const trimmed = message.trim();
  if (localised) for (const [pattern, type] of HUMAN_TYPES) if (pattern.test(trimmed)) return type;
  return trimmed;
}

function inLocale(raw: string, localised: boolean): Text | string {
  return localised ? text('accounts.tootctl.inDefaultLocale', { message: raw.trim() }) : raw.trim();
}

function usernameMessage(type: string, raw: Text | string, version: MastodonVersion): Text {
  switch (type) {
    case 'taken':
      return text('accounts.tootctl.usernameTaken');
    case 'reserved':
      return reservedUsernameMessage(version);
    case 'invalid':
      return text('accounts.tootctl.usernameInvalid');
    case 'too_long':
      return text('accounts.tootctl.usernameTooLong');
    case 'blank':
      return text('accounts.tootctl.usernameBlank');
    default:
      return text('accounts.tootctl.usernameRefused', { message: raw });
  }
}

function emailMessage(type: string, raw: Text | string): Text {
  switch (type) {
    case 'taken':
      return text('accounts.tootctl.emailTaken');
    case 'invalid':
      return text('accounts.tootctl.emailInvalid');
    case 'blocked':
      return text('accounts.tootctl.emailBlocked');
    case 'unreachable':
      return text('accounts.tootctl.emailUnreachable');
    case 'blank':
      return text('accounts.tootctl.emailBlank');
    default:
      return text('accounts.tootctl.emailRefused', { message: raw });
  }
}

/** The failure text for the page: no password is ever in it (tootctl prints one only on success), but be sure. */
function safeOutput(output: string): string {
  const cleaned = output.replace(/New password:[^\n]*/g, 'New password: [hidden]').trim();
  return cleaned.length > MAX_MESSAGE ? `${cleaned.slice(0, MAX_MESSAGE)}…` : cleaned;
}

/** Field errors travel as encoded Texts, like the zod schema's (FieldError renders them). */
function add(errors: AccountFieldErrors, field: keyof AccountFieldErrors, message: Text, all: Text[]): void {
  const list = (errors[field] ??= []);
  const encoded = encodeText(message);
  if (list.includes(encoded)) return;
  list.push(encoded);
  all.push(message);
}

/**
 * Reads what `tootctl accounts create` printed. Errors are on stderr or stdout by version (version-facts
 * tootctlErrorStream; with exit 1 in both); Thor's own errors and Rails' warnings are on stderr in every
 * version, so both streams are read, the version's error stream first.
 */
export function parseCreateAccountOutput(output: TootctlOutput, version: MastodonVersion): CreateAccountOutcome {
  const facts = factsFor(version);
  const onStderr = facts.tootctlErrorStream === 'stderr';
  const localised = facts.validationErrorText === 'localised-message';
  if (output.exitCode === 0) {
    const password = PASSWORD_LINE.exec(output.stdout)?.[1];
    if (password !== undefined && /^OK$/m.test(output.stdout)) return { ok: true, password };
    // Exit 0 without a password: e.g. --reattach's "username is currently in use". Never echo stdout as a
    // whole here, in case it holds a password in a form this parser did not expect.
    const firstLine = output.stdout.split('\n').find((line) => line.trim() !== '' && !/password/i.test(line));
    return {
      ok: false,
      fieldErrors: {},
      message: firstLine
        ? text('accounts.tootctl.noPasswordSaid', { output: safeOutput(firstLine) })
        : text('accounts.tootctl.noPassword'),
    };
  }

  const printed = onStderr ? `${output.stderr}\n${output.stdout}` : `${output.stdout}\n${output.stderr}`;
  const fieldErrors: AccountFieldErrors = {};
  const messages: Text[] = [];
  const general: string[] = [];
  for (const match of printed.matchAll(FAILURE_BLOCK)) {
    const attribute = (match[1] ?? '').trim();
    const raw = match[2] ?? '';
    const type = errorType(raw, localised);
    const shownRaw = inLocale(raw, localised);
    if (attribute === 'account.username' || attribute === 'username')
      add(fieldErrors, 'username', usernameMessage(type, shownRaw, version), messages);
    else if (attribute === 'email') add(fieldErrors, 'email', emailMessage(type, shownRaw), messages);
    else general.push(`${attribute} ${raw.trim()}`);
  }
  if (printed.includes(ROLE_NOT_FOUND)) {
    add(fieldErrors, 'role', text('accounts.tootctl.roleNotFound'), messages);
  }
  if (messages.length > 0 && general.length === 0)
    return { ok: false, fieldErrors, message: joinTexts(messages, 'accounts.tootctl.joinedBySpace') };
  const shown = safeOutput(printed);
  return {
    ok: false,
    fieldErrors,
    message: text('accounts.tootctl.failed', {
      exitCode: String(output.exitCode),
      output: general.length > 0 ? general.join('; ') : shown || text('accounts.tootctl.noOutput'),
    }),
  };
}

/** Reads `tootctl accounts modify USERNAME --approve`: `OK` and exit 0, or the error it printed. */
export function parseModifyOutput(output: TootctlOutput): { ok: true } | { ok: false; message: Text | string } {
  if (output.exitCode === 0 && /^OK$/m.test(output.stdout)) return { ok: true };
  return {
    ok: false,
    message:
      safeOutput(`${output.stderr}\n${output.stdout}`) ||
      text('accounts.tootctl.exitCode', { exitCode: String(output.exitCode) }),
  };
}
