/**
 * The admin CLI, run on the server (`npm run set-password`, `npm run unlock`, `node dist/cli.mjs
 * status`). It reads the same configuration and store (DATA_DIR) as the dashboard, so the web app
 * needs no first-run setup page. Bundled to dist/cli.mjs by scripts/build-server.mjs.
 */
import { auditFinish, auditStart, type AuditEntry } from '../lib/audit';
import { describeCredentialSource, endSessionsOfOldCredential, saveAdminPassword } from '../lib/auth/credentials';
import { evaluateGate, listLoginCounters, policyForScope, unlockLogins, type StoredCounter } from '../lib/auth/lockout';
import { revokeLoginLinks } from '../lib/auth/login-links';
import { hashPassword, newPasswordSchema } from '../lib/auth/password';
import { destroyAllSessions } from '../lib/auth/session';
import { ConfigError, getConfig } from '../lib/config';
import { AppError } from '../lib/errors';
import { STORE_FILE_NAME } from '../lib/store';
import { inEnglish } from '../lib/i18n/english';

const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

const USAGE = `Usage: node dist/cli.mjs <command>

  set-password          Set the admin password. Prompts twice on a terminal; otherwise reads the
                        first line of standard input.
  hash-password         Print an scrypt hash of a new password, for DASHBOARD_PASSWORD_FILE.
                        Reads it like set-password; stores nothing.
  unlock [USERNAME]     Clear failed logins and locks of USERNAME (default: DASHBOARD_USER) and
                        the global counter.
  unlock --all          Clear every failed-login counter and lock.
  status                Show where the password comes from, and failed-login counters.
  help                  Show this help.

From a checkout: npm run set-password, npm run unlock, npm run unlock -- --all.
Exit codes: 0 done, 1 failed, 2 usage error, 78 configuration error.`;

type Command =
  | { name: 'help' }
  | { name: 'set-password' }
  | { name: 'hash-password' }
  | { name: 'status' }
  | { name: 'unlock'; username?: string; all: boolean };

class UsageError extends Error {}
class CliFailure extends Error {}

function parseUnlock(args: string[]): Command {
  const all = args.includes('--all');
  const rest = args.filter((arg) => arg !== '--all');
  const unknownFlag = rest.find((arg) => arg.startsWith('-'));
  if (unknownFlag !== undefined) throw new UsageError(`unlock: unknown option ${unknownFlag}`);
  if (rest.length > 1) throw new UsageError('unlock: give at most one USERNAME');
  if (all && rest.length === 1) throw new UsageError('unlock: give a USERNAME or --all, not both');
  return { name: 'unlock', username: rest[0], all };
}

function parseCommand(argv: string[]): Command {
  const [name, ...args] = argv;
  switch (name) {
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    case 'set-password':
    case 'hash-password':
    case 'status':
      if (args.length > 0) throw new UsageError(`${name} takes no arguments`);
      return { name };
    case 'unlock':
      return parseUnlock(args);
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  }
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new CliFailure('Cancelled; nothing was changed.'));
        if (char === '\u007f' || char === '\b') answer = [...answer].slice(0, -1).join('');
        else if (char >= ' ') answer += char;
      }
    };
    stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function readFirstLine(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readFirstLine();
  const first = await promptHidden('New admin password (at least 12 characters): ');
  const second = await promptHidden('Repeat it: ');
  if (first !== second) throw new CliFailure('The two entries differ; nothing was changed.');
  return first;
}

// Fail closed: the record is written before the change, and no record means no change.
async function audited<T>(entry: AuditEntry, change: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  const id = auditStart(entry);
  try {
    const result = await change();
    auditFinish(id, { outcome: 'succeeded', durationMs: Date.now() - started });
    return result;
  } catch (error) {
    auditFinish(id, {
      outcome: 'failed',
      error: error instanceof Error ? error.message : String(error),
      durationMs: Date.now() - started,
    });
    throw error;
  }
}

/**
 * Records the credential logins use now; an unusable password file is reported by the lines below,
 * and the server admits no session until it is fixed.
 */
function recordCredential(): number {
  try {
    return endSessionsOfOldCredential();
  } catch (error) {
    if (error instanceof AppError) return 0;
    throw error;
  }
}

async function setPassword(): Promise<void> {
  const checked = newPasswordSchema.safeParse(await readNewPassword());
  if (!checked.success)
    throw new CliFailure(`The password ${checked.error.issues[0]?.message ?? 'is invalid'}; nothing was changed.`);
  await audited({ actor: 'cli', action: 'auth.password_set', target: 'store' }, () => saveAdminPassword(checked.data));
  console.log(`Password saved (scrypt hash) in ${getConfig().dataDir}/${STORE_FILE_NAME}.`);
  // Everything opened before ends, even when a file or env password still wins and the credential is unchanged.
  const ended = recordCredential() + destroyAllSessions();
  const revoked = revokeLoginLinks();
  if (ended > 0) console.log(`Ended ${ended} open session(s): log in again with the new password.`);
  if (revoked > 0) console.log(`Revoked ${revoked} unused login link(s).`);
  const { passwordFile, password } = getConfig().auth;
  const winner =
    passwordFile !== undefined ? 'DASHBOARD_PASSWORD_FILE' : password !== undefined ? 'DASHBOARD_PASSWORD' : undefined;
  if (winner !== undefined) {
    console.warn(
      `warning: ${winner} is set here, so logins use it and not the password just saved. Unset it to use this one.`,
    );
  }
  console.log(`Logins use: ${describeCredentialSource()}`);
}

/** For DASHBOARD_PASSWORD_FILE: the hash goes to stdout, so `npm run -s hash-password > file` works. */
async function printPasswordHash(): Promise<void> {
  const checked = newPasswordSchema.safeParse(await readNewPassword());
  if (!checked.success)
    throw new CliFailure(`The password ${checked.error.issues[0]?.message ?? 'is invalid'}; nothing was printed.`);
  console.log(await hashPassword(checked.data));
}

function describeCounter(counter: StoredCounter, now: number): string {
  const gate = evaluateGate(counter, policyForScope(counter.scope), now);
  const state = gate.allowed
    ? 'not blocked'
    : gate.reason === 'locked'
      ? `LOCKED since ${new Date(counter.lockedAt ?? counter.lastFailureAt).toISOString()}`
      : `waiting until ${new Date(gate.retryAt ?? now).toISOString()}`;
  return (
    `${counter.scope}: ${counter.failures} failed attempt(s), last at` +
    ` ${new Date(counter.lastFailureAt).toISOString()}, ${state}`
  );
}

async function unlock(command: Extract<Command, { name: 'unlock' }>): Promise<void> {
  const username = command.all ? undefined : (command.username ?? getConfig().auth.username).toLowerCase();
  const target = username === undefined ? 'all usernames' : username;
  const { cleared } = await audited(
    { actor: 'cli', action: 'auth.unlocked', target, params: { all: command.all } },
    () => unlockLogins({ username, all: command.all }),
  );
  if (cleared.length === 0) {
    console.log(`Nothing to clear: no failed logins are recorded for ${target}.`);
    return;
  }
  const now = Date.now();
  for (const counter of cleared) console.log(`Cleared ${describeCounter(counter, now)}`);
}

function status(): void {
  const config = getConfig();
  console.log(`Admin username: ${config.auth.username}`);
  console.log(`Password source: ${describeCredentialSource()}`);
  console.log(`Store: ${config.dataDir}/${STORE_FILE_NAME}`);
  const counters = listLoginCounters();
  if (counters.length === 0) console.log('Failed logins: none recorded.');
  const now = Date.now();
  for (const counter of counters) console.log(`Failed logins, ${describeCounter(counter, now)}`);
}

async function run(command: Command): Promise<void> {
  switch (command.name) {
    case 'help':
      console.log(USAGE);
      return;
    case 'set-password':
      return setPassword();
    case 'hash-password':
      return printPasswordHash();
    case 'unlock':
      return unlock(command);
    case 'status':
      return status();
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    if (command.name !== 'help') getConfig();
    await run(command);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return EXIT.config;
    }
    if (error instanceof AppError)
      console.error(
        `error: ${inEnglish(error.title)}: ${inEnglish(error.detail)}${error.fix ? `\n${inEnglish(error.fix)}` : ''}`,
      );
    else if (error instanceof CliFailure) console.error(`error: ${error.message}`);
    else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));
