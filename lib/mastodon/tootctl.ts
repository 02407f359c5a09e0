import 'server-only';

import type { ExecArgv } from '../docker/exec-programs';
import type { AccountFieldErrors, CreateAccountInput } from '../validations/accounts';
import type { MastodonVersion } from './version';
import { describeUndecided, factsFor, firstReleaseWith } from './version-facts';

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

/**
 * Why a reserved name is refused, for this version (version-facts reservedUsernames: later releases
 * bypass the list for the CLI).
 */
export function reservedUsernameMessage(version: MastodonVersion): string {
  const reserved = factsFor(version).reservedUsernames;
  const list = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : 'none: the CLI skips the check');
  const which = reserved.known
    ? reserved.value.length > 0
      ? ` (${list(reserved.value)})`
      : ''
    : ` (the patch release decides: ${describeUndecided(reserved, version, list)})`;
  return (
    `Mastodon ${version.text} reserves this username${which}, and tootctl accounts create` +
    ` refuses reserved names before ` +
    `${firstReleaseWith('reservedUsernames', [])}. Choose another username for the account, for example your own name.`
  );
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
  { ok: true; password: string } | { ok: false; fieldErrors: AccountFieldErrors; message: string };

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

function errorType(text: string, localised: boolean): string {
  const trimmed = text.trim();
  if (localised) for (const [pattern, type] of HUMAN_TYPES) if (pattern.test(trimmed)) return type;
  return trimmed;
}

function inLocale(raw: string, localised: boolean): string {
  return localised ? `${raw.trim()} (in the server's DEFAULT_LOCALE)` : raw.trim();
}

function usernameMessage(type: string, raw: string, version: MastodonVersion): string {
  switch (type) {
    case 'taken':
      return 'This username is already taken on this server (Mastodon compares usernames without regard to case).';
    case 'reserved':
      return reservedUsernameMessage(version);
    case 'invalid':
      return 'Mastodon refused the username: letters a–z, digits and _ only.';
    case 'too_long':
      return 'Mastodon refused the username: at most 30 characters.';
    case 'blank':
      return 'Enter a username.';
    default:
      return `Mastodon refused the username: ${raw.trim()}`;
  }
}

function emailMessage(type: string, raw: string): string {
  switch (type) {
    case 'taken':
      return 'An account with this email address already exists on this server.';
    case 'invalid':
      return 'Mastodon says this email address is not valid.';
    case 'blocked':
      return 'The email domain is blocked on this server (Moderation › Email domain blocks).';
    case 'unreachable':
      return (
        'Mastodon found no mail server for this domain (its MX lookup from inside the container failed); check' +
        " the domain, or the container's DNS."
      );
    case 'blank':
      return 'Enter an email address.';
    default:
      return `Mastodon refused the email address: ${raw.trim()}`;
  }
}

/** The failure text for the page: no password is ever in it (tootctl prints one only on success), but be sure. */
function safeOutput(text: string): string {
  const cleaned = text.replace(/New password:[^\n]*/g, 'New password: [hidden]').trim();
  return cleaned.length > MAX_MESSAGE ? `${cleaned.slice(0, MAX_MESSAGE)}…` : cleaned;
}

function add(errors: AccountFieldErrors, field: keyof AccountFieldErrors, message: string): void {
  const list = (errors[field] ??= []);
  if (!list.includes(message)) list.push(message);
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
      message: `tootctl finished without printing a new password${firstLine ? `: ${safeOutput(firstLine)}` : ''}.`,
    };
  }

  const text = onStderr ? `${output.stderr}\n${output.stdout}` : `${output.stdout}\n${output.stderr}`;
  const fieldErrors: AccountFieldErrors = {};
  const general: string[] = [];
  for (const match of text.matchAll(FAILURE_BLOCK)) {
    const attribute = (match[1] ?? '').trim();
    const raw = match[2] ?? '';
    const type = errorType(raw, localised);
    const shownRaw = inLocale(raw, localised);
    if (attribute === 'account.username' || attribute === 'username')
      add(fieldErrors, 'username', usernameMessage(type, shownRaw, version));
    else if (attribute === 'email') add(fieldErrors, 'email', emailMessage(type, shownRaw));
    else general.push(`${attribute} ${raw.trim()}`);
  }
  if (text.includes(ROLE_NOT_FOUND)) {
    add(fieldErrors, 'role', 'Mastodon has no role with this name (role names are case-sensitive).');
  }
  const fields = Object.values(fieldErrors).flat();
  if (fields.length > 0 && general.length === 0) return { ok: false, fieldErrors, message: fields.join(' ') };
  const shown = safeOutput(text) || '(no output)';
  return {
    ok: false,
    fieldErrors,
    message:
      `tootctl accounts create failed with exit code` +
      ` ${output.exitCode}: ${general.length > 0 ? general.join('; ') : shown}`,
  };
}

/** Reads `tootctl accounts modify USERNAME --approve`: `OK` and exit 0, or the error it printed. */
export function parseModifyOutput(output: TootctlOutput): { ok: true } | { ok: false; message: string } {
  if (output.exitCode === 0 && /^OK$/m.test(output.stdout)) return { ok: true };
  return { ok: false, message: safeOutput(`${output.stderr}\n${output.stdout}`) || `exit code ${output.exitCode}` };
}
