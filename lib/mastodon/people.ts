import 'server-only';

import type pg from 'pg';

import { AppError } from '../errors';
import { text, type Text } from '../i18n/text';
import { postgres } from '../postgres/client';
import { postgresUnavailable } from '../postgres/errors';
import { ownerRoleCondition } from './owner-role';
import {
  readRegistrationSettings,
  type RegistrationOverride,
  type RegistrationSettings,
  type RegistrationsMode,
} from './registrations';

/**
 * People and moderation at a glance, counted exactly as Mastodon counts them (mastodon/mastodon v4.3.17
 * app/presenters/instance_presenter.rb, app/models/user.rb, app/models/report.rb):
 * - users: InstancePresenter#user_count, `User.confirmed.joins(:account).merge(Account.without_suspended)`.
 *   The instance actor (accounts.id -99) has no users row, so the join already leaves it out.
 * - local posts: InstancePresenter#status_count, the sum of account_stats.statuses_count over local
 *   accounts (never count(*) on statuses, which is huge). Mastodon's sum includes the actor's row if it
 *   has one; it never posts, so the figure is the same.
 * - pending sign-ups: `User.pending` (approved = false), as the admin dashboard counts them.
 * - open reports: `Report.unresolved` (action_taken_at IS NULL).
 * - Owners: users whose role holds the administrator bit (lib/mastodon/owner-role.ts says why not the name).
 */

export interface OwnerSummary {
  username: string;
  confirmed: boolean;
  approved: boolean;
  disabled: boolean;
  /** The account is suspended: the Owner cannot sign in. */
  suspended: boolean;
}

export interface PeopleCounts {
  users: number;
  localPosts: number;
  pendingSignUps: number;
  openReports: number;
  owners: OwnerSummary[];
}

/** All counts and the Owners in one round trip. */
export const PEOPLE_SQL = `SELECT
  (SELECT count(*) FROM users u JOIN accounts a ON a.id = u.account_id
    WHERE u.confirmed_at IS NOT NULL AND a.suspended_at IS NULL) AS users,
  (SELECT COALESCE(sum(s.statuses_count), 0) FROM accounts a JOIN account_stats s ON s.account_id = a.id
    WHERE a.domain IS NULL) AS local_posts,
  (SELECT count(*) FROM users WHERE approved = false) AS pending,
  (SELECT count(*) FROM reports WHERE action_taken_at IS NULL) AS open_reports,
  (SELECT COALESCE(json_agg(json_build_object(
      'username', a.username,
      'confirmed', u.confirmed_at IS NOT NULL,
      'approved', u.approved,
      'disabled', u.disabled,
      'suspended', a.suspended_at IS NOT NULL) ORDER BY u.created_at, a.username), '[]'::json)
     FROM users u
     JOIN accounts a ON a.id = u.account_id
     JOIN user_roles r ON r.id = u.role_id
    WHERE ${ownerRoleCondition('r')}) AS owners`;

/** What PEOPLE_SQL returns: count() is bigint and sum() numeric, which pg hands over as strings. */
export interface PeopleRow {
  users: string | number;
  local_posts: string | number;
  pending: string | number;
  open_reports: string | number;
  owners: unknown;
}

function count(value: string | number, name: string): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new AppError(
      'upstream_failed',
      text('vitals.errors.unexpectedCount.title'),
      text('vitals.errors.unexpectedCount.detail', { name, value: JSON.stringify(value) }),
    );
  }
  return parsed;
}

function owner(value: unknown): OwnerSummary {
  const row = (value ?? {}) as Record<string, unknown>;
  return {
    username: String(row.username ?? ''),
    confirmed: row.confirmed === true,
    approved: row.approved === true,
    disabled: row.disabled === true,
    suspended: row.suspended === true,
  };
}

export function parsePeopleRow(row: PeopleRow): PeopleCounts {
  return {
    users: count(row.users, 'users'),
    localPosts: count(row.local_posts, 'local posts'),
    pendingSignUps: count(row.pending, 'pending sign-ups'),
    openReports: count(row.open_reports, 'open reports'),
    owners: Array.isArray(row.owners) ? row.owners.map(owner) : [],
  };
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** The counts; `db` lets a caller (a test) read inside its own transaction. */
export async function readPeopleCounts(db: Queryable = postgres()): Promise<PeopleCounts> {
  try {
    const result = await db.query(PEOPLE_SQL);
    return parsePeopleRow(result.rows[0] as PeopleRow);
  } catch (error) {
    throw postgresUnavailable(error);
  }
}

// ---- registration mode ---------------------------------------------------------------------------

/** Where the mode is changed (the actions issue's page). */
export const REGISTRATIONS_HREF = '/registrations';

export interface RegistrationModeView {
  /** The stored or default mode; undefined when the stored value is not a mode or the default is unknown. */
  mode?: RegistrationsMode;
  /** In words: "Open", "Approval required", "Closed", or what was found instead. */
  label: Text;
  source: 'stored' | 'default';
  /** What a visitor meets, overrides included. */
  effective: RegistrationSettings['effective'];
  overrides: RegistrationOverride[];
  href: string;
}

export function registrationModeView(settings: RegistrationSettings): RegistrationModeView {
  const { mode } = settings;
  const label = mode.mode
    ? text(`registrations.modes.${mode.mode}`)
    : mode.unrecognisedText
      ? text('vitals.registrationLabel.unrecognised', { value: mode.unrecognisedText })
      : text('vitals.registrationLabel.unknown');
  return {
    ...(mode.mode ? { mode: mode.mode } : {}),
    label,
    source: mode.source,
    effective: settings.effective,
    overrides: settings.overrides,
    href: REGISTRATIONS_HREF,
  };
}

/** The registration mode, read by lib/mastodon/registrations.ts (one reading of it in the code base). */
export async function readRegistrationMode(): Promise<RegistrationModeView> {
  const report = await readRegistrationSettings({ withCache: false });
  if (!report.settings) {
    const error = report.postgresError;
    throw error
      ? new AppError(error.code, error.title, error.detail, error.fix)
      : new AppError(
          'upstream_failed',
          text('vitals.errors.registrationModeUnknown.title'),
          text('vitals.errors.registrationModeUnknown.detail'),
        );
  }
  return registrationModeView(report.settings);
}
