import 'server-only';

import type pg from 'pg';

import { getConfig } from '../config';
import { listProjectContainers } from '../docker/containers';
import { execInContainer } from '../docker/exec';
import type { ContainerView } from '../docker/types';
import { AppError, type ErrorText } from '../errors';
import { encodeText, text, type Text } from '../i18n/text';
import { postgres } from '../postgres/client';
import { postgresUnavailable, postgresWhere } from '../postgres/errors';
import type { AccountFieldErrors, CreateAccountInput } from '../validations/accounts';
import {
  buildApproveArgv,
  buildCreateAccountArgv,
  isReservedUsername,
  parseCreateAccountOutput,
  parseModifyOutput,
  reservedUsernameMessage,
} from './tootctl';
import { findAppContainer } from './app-container';
import { ownerRoleCondition } from './owner-role';
import { requireVersionOf } from './running-version';
import type { MastodonVersion } from './version';
import { isSupported, OLDEST_SUPPORTED, factsFor } from './version-facts';

/**
 * Local accounts and roles in Mastodon's Postgres, and account creation through `tootctl accounts create`
 * in the project's own web (or sidekiq) container. The generated password passes through createAccount's
 * return value and nowhere else: it is not logged, audited, cached or stored.
 */

export interface RoleView {
  id: string;
  name: string;
  position: number;
  /** The role has the administrator permission bit (1 << 0), as Owner has by default. */
  administrator: boolean;
}

export interface OwnerView {
  username: string;
  email: string;
  role: string;
  confirmed: boolean;
  approved: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface LocalAccountView {
  username: string;
  /** The role's name; null for the "everyone" role (users.role_id NULL). */
  role: string | null;
  confirmed: boolean;
  approved: boolean;
}

export interface CreatedAccount {
  /** Shown once in the browser; never stored anywhere. */
  password: string;
  /** As read back from Postgres; null when it could not be read (see warnings). */
  account: LocalAccountView | null;
  owners: OwnerView[];
  container: string;
  version: string;
  /** What went wrong after the password was printed, in the reader's language. */
  warnings: Text[];
}

/** Mastodon refused the input; the errors belong next to the form's fields. */
export class AccountRejected extends AppError {
  constructor(
    readonly fieldErrors: AccountFieldErrors,
    detail: ErrorText,
  ) {
    super('invalid_input', text('accounts.errors.refused.title'), detail);
    this.name = 'AccountRejected';
  }
}

const TOOTCTL_TIMEOUT_MS = 120_000;

type Queryable = Pick<pg.PoolClient, 'query'>;

async function query<Row>(text: string, values: unknown[] = [], db: Queryable = postgres()): Promise<Row[]> {
  try {
    const result = await db.query(text, values);
    return result.rows as Row[];
  } catch (error) {
    throw postgresUnavailable(error);
  }
}

function isoTime(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The roles an account can be given, highest first; the implicit "everyone" role (id -99, no name) is left out. */
export async function listRoles(): Promise<RoleView[]> {
  const rows = await query<{ id: string; name: string; position: number; administrator: boolean }>(
    `SELECT r.id::text AS id, r.name, r.position, ${ownerRoleCondition('r')} AS administrator
       FROM user_roles r WHERE r.id <> -99 AND r.name <> '' ORDER BY r.position DESC, r.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    position: Number(row.position),
    administrator: row.administrator,
  }));
}

/**
 * The Owners (lib/mastodon/owner-role.ts: users whose role has the administrator bit); `db` lets a caller
 * (a test) read inside its own transaction.
 */
export async function listOwners(db: Queryable = postgres()): Promise<OwnerView[]> {
  const rows = await query<{
    username: string;
    email: string;
    role: string;
    confirmed: boolean;
    approved: boolean;
    disabled: boolean;
    created_at: Date;
  }>(
    `SELECT a.username, u.email, r.name AS role, u.confirmed_at IS NOT NULL AS confirmed, u.approved, u.disabled,
            u.created_at
       FROM users u
       JOIN accounts a ON a.id = u.account_id AND a.domain IS NULL
       JOIN user_roles r ON r.id = u.role_id
      WHERE ${ownerRoleCondition('r')}
      ORDER BY u.created_at, a.username`,
    [],
    db,
  );
  return rows.map((row) => ({
    username: row.username,
    email: row.email,
    role: row.role,
    confirmed: row.confirmed,
    approved: row.approved,
    disabled: row.disabled,
    createdAt: isoTime(row.created_at),
  }));
}

/** A local account with its user, matched case-insensitively like Account.find_local. */
export async function findLocalAccount(username: string): Promise<LocalAccountView | undefined> {
  const rows = await query<{ username: string; role: string | null; confirmed: boolean; approved: boolean }>(
    `SELECT a.username, r.name AS role, u.confirmed_at IS NOT NULL AS confirmed, u.approved
       FROM accounts a
       JOIN users u ON u.account_id = a.id
       LEFT JOIN user_roles r ON r.id = u.role_id AND r.id <> -99
      WHERE lower(a.username) = lower($1) AND a.domain IS NULL
      LIMIT 1`,
    [username],
  );
  const row = rows[0];
  return row
    ? { username: row.username, role: row.role || null, confirmed: row.confirmed, approved: row.approved }
    : undefined;
}

async function roleExists(name: string): Promise<boolean> {
  const rows = await query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM user_roles WHERE name = $1 AND id <> -99) AS found`,
    [name],
  );
  return rows[0]?.found === true;
}

/**
 * Where tootctl runs: the project's running web container, else its running sidekiq (both images carry
 * tootctl; the separate streaming image of later releases does not). Found among the project's own containers
 * by label only.
 */
export async function resolveTootctlContainer(): Promise<ContainerView> {
  const containers = await listProjectContainers();
  const found = findAppContainer(containers, { running: true });
  if (!found) {
    const seen = containers
      .filter((c) => c.service === 'web' || c.service === 'sidekiq')
      .map((c) => `${c.name} (${c.state})`);
    const project = getConfig().composeProject;
    throw new AppError(
      'conflict',
      text('accounts.errors.notRunning.title'),
      seen.length
        ? text('accounts.errors.notRunning.detailSeen', { project, seen: seen.join(', ') })
        : text('accounts.errors.notRunning.detail', { project }),
      text('accounts.errors.notRunning.fix'),
    );
  }
  return found;
}

/** The Mastodon version tootctl will run as (running-version.ts); refused when unknown or too old. */
export async function tootctlVersion(container: ContainerView): Promise<MastodonVersion> {
  const version = await requireVersionOf(container);
  if (!isSupported(version)) {
    throw new AppError(
      'conflict',
      text('accounts.errors.unsupported.title'),
      text('accounts.errors.unsupported.detail', {
        container: container.name,
        version: version.text,
        oldest: OLDEST_SUPPORTED,
      }),
    );
  }
  return version;
}

function timeoutWithFix(error: unknown, username: string): unknown {
  if (error instanceof AppError && error.code === 'timeout') {
    return new AppError(
      'timeout',
      error.title,
      text('accounts.errors.timeout.detail', { detail: error.detail }),
      text('accounts.errors.timeout.fix', { username }),
    );
  }
  return error;
}

/**
 * Creates a local account with tootctl. Checks first what can be checked without running anything (the
 * version, reserved names, the role), then runs `tootctl accounts create` (and, where create has no --approve,
 * `accounts modify --approve`), then reads the account back from Postgres. Once tootctl has printed the password it is
 * always returned: a later failure becomes a warning, because the password cannot be shown again.
 */
export async function createAccount(input: CreateAccountInput): Promise<CreatedAccount> {
  const container = await resolveTootctlContainer();
  const version = await tootctlVersion(container);
  if (isReservedUsername(input.username, version)) {
    throw new AccountRejected(
      { username: [encodeText(reservedUsernameMessage(version))] },
      text('accounts.errors.reserved', { username: input.username, version: version.text }),
    );
  }
  if (!(await roleExists(input.role))) {
    const roles = (await listRoles()).map((role) => role.name);
    const message = roles.length
      ? text('accounts.errors.noSuchRole', { role: input.role, roles: roles.join(', ') })
      : text('accounts.errors.noSuchRoleNoRoles', { role: input.role });
    throw new AccountRejected({ role: [encodeText(message)] }, message);
  }

  const argv = buildCreateAccountArgv(input, version);
  let output;
  try {
    output = await execInContainer(container.id, argv, {
      timeoutMs: TOOTCTL_TIMEOUT_MS,
      waitingFor: text('jobs.waitingFor.commandIn', { command: 'tootctl accounts create', container: container.name }),
    });
  } catch (error) {
    throw timeoutWithFix(error, input.username);
  }
  const outcome = parseCreateAccountOutput(output, version);
  if (!outcome.ok) {
    if (Object.keys(outcome.fieldErrors).length > 0) throw new AccountRejected(outcome.fieldErrors, outcome.message);
    throw new AppError('upstream_failed', text('accounts.errors.createFailed.title'), outcome.message);
  }

  const warnings: Text[] = [];
  if (input.approve && factsFor(version).createApproval === 'modify-after') {
    const approveFailed = (reason: ErrorText) =>
      text('accounts.warnings.notApproved', { username: input.username, reason });
    try {
      const approved = await execInContainer(container.id, buildApproveArgv(input.username), {
        timeoutMs: TOOTCTL_TIMEOUT_MS,
        waitingFor: text('jobs.waitingFor.commandIn', {
          command: 'tootctl accounts modify --approve',
          container: container.name,
        }),
      });
      const result = parseModifyOutput(approved);
      if (!result.ok) warnings.push(approveFailed(result.message));
    } catch (error) {
      warnings.push(approveFailed(error instanceof AppError ? error.detail : text('accounts.warnings.commandFailed')));
    }
  }

  let account: LocalAccountView | null = null;
  let owners: OwnerView[] = [];
  try {
    account = (await findLocalAccount(input.username)) ?? null;
    if (!account)
      warnings.push(text('accounts.warnings.notFound', { username: input.username, where: postgresWhere() }));
    owners = await listOwners();
  } catch (error) {
    warnings.push(
      text('accounts.warnings.notReadBack', {
        reason: error instanceof AppError ? error.detail : text('accounts.warnings.databaseError'),
      }),
    );
  }
  return { password: outcome.password, account, owners, container: container.name, version: version.text, warnings };
}
