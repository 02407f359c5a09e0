import 'server-only';

import type { ExecArgv } from '../docker/exec-programs';
import type { AccountFieldErrors, CreateAccountInput } from '../validations/accounts';
import { versionTraits, type MastodonVersion } from './version';

/**
 * `tootctl accounts create` as argv, and what it printed as a result (shared/reference/mastodon.md §2).
 * Pure: running it is lib/mastodon/accounts.ts's business. Options are always one token (`--email=x`), so
 * a value can never be taken for the next option, and the validated values never start with '-'.
 */

export function buildCreateAccountArgv(input: CreateAccountInput, version: MastodonVersion): ExecArgv {
  const argv: ['tootctl', ...string[]] = ['tootctl', 'accounts', 'create', input.username, `--email=${input.email}`];
  if (input.confirmed) argv.push('--confirmed');
  argv.push(`--role=${input.role}`);
  // 4.0 has no --approve: Thor would take it for a second USERNAME and fail. 4.0 runs buildApproveArgv after.
  if (input.approve && versionTraits(version).createHasApproveFlag) argv.push('--approve');
  return argv;
}

/** 4.0 only: approve the account just created (`modify --approve` sets users.approved). */
export function buildApproveArgv(username: string): ExecArgv {
  return ['tootctl', 'accounts', 'modify', username, '--approve'];
}

/** Why a reserved name is refused, for this version (mastodon.md §2.4: the CLI bypasses the list only from 4.4.4). */
export function reservedUsernameMessage(version: MastodonVersion): string {
  const reserved = versionTraits(version).reservedUsernames;
  const list = reserved.length > 0 ? ` (${reserved.join(', ')})` : '';
  return (
    `Mastodon ${version.text} reserves this username${list}, and tootctl accounts create refuses reserved names before 4.4.4. ` +
    'Choose another username for the account, for example your own name.'
  );
}

/** Whether this version's tootctl refuses the (already lower-cased) username as reserved. */
export function isReservedUsername(username: string, version: MastodonVersion): boolean {
  return versionTraits(version).reservedUsernames.includes(username.toLowerCase());
}

export interface TootctlOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type CreateAccountOutcome = { ok: true; password: string } | { ok: false; fieldErrors: AccountFieldErrors; message: string };

const PASSWORD_LINE = /^New password: ([0-9a-f]{32})$/m;
const FAILURE_BLOCK = /^Failure\/Error: ([^\n]+)\n[ \t]+([^\n]+)$/gm;
const ROLE_NOT_FOUND = 'Cannot find user role with that name';
const MAX_MESSAGE = 1500;

// 4.0 prints the human messages of `errors.to_h`; 4.1+ the error types. Both map to the same type here.
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

function errorType(text: string): string {
  const trimmed = text.trim();
  for (const [pattern, type] of HUMAN_TYPES) if (pattern.test(trimmed)) return type;
  return trimmed;
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
      return "Mastodon found no mail server for this domain (its MX lookup from inside the container failed); check the domain, or the container's DNS.";
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
 * Reads what `tootctl accounts create` printed. Errors are on stderr from 4.3 and on stdout before (with
 * exit 1 in both); Thor's own errors and Rails' warnings are on stderr in every version, so both streams
 * are read, the version's error stream first.
 */
export function parseCreateAccountOutput(output: TootctlOutput, version: MastodonVersion): CreateAccountOutcome {
  const onStderr = versionTraits(version).tootctlErrorsOnStderr;
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
    const type = errorType(raw);
    if (attribute === 'account.username' || attribute === 'username') add(fieldErrors, 'username', usernameMessage(type, raw, version));
    else if (attribute === 'email') add(fieldErrors, 'email', emailMessage(type, raw));
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
    message: `tootctl accounts create failed with exit code ${output.exitCode}: ${general.length > 0 ? general.join('; ') : shown}`,
  };
}

/** Reads `tootctl accounts modify USERNAME --approve`: `OK` and exit 0, or the error it printed. */
export function parseModifyOutput(output: TootctlOutput): { ok: true } | { ok: false; message: string } {
  if (output.exitCode === 0 && /^OK$/m.test(output.stdout)) return { ok: true };
  return { ok: false, message: safeOutput(`${output.stderr}\n${output.stdout}`) || `exit code ${output.exitCode}` };
}
