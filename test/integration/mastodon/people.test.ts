import path from 'node:path';

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { listOwners } from '@/lib/mastodon/accounts';
import { readPeopleCounts, type PeopleCounts } from '@/lib/mastodon/people';
import { peoplePanel } from '@/lib/panels/people';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { resetRedisForTesting } from '@/lib/redis/client';
import { readTestbed } from '../../support/testbed';
import { inEnglish } from '@/lib/i18n/english';

/**
 * The people counts against both test databases. Exact comparisons run inside one REPEATABLE READ
 * transaction, so that the dashboard's query and the independent SQL below see the same rows even when
 * other suites create accounts meanwhile. Rows this file adds live only inside rolled-back transactions.
 */
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);

const TARGETS = [
  {
    project: testbed.project,
    pgUrl: testbed.pgUrl43,
    version: '4.3.17',
    mode: { mode: 'approved', source: 'stored', label: 'Approval required' },
  },
  {
    project: testbed.otherProject,
    pgUrl: testbed.pgUrl44,
    version: '4.4.4',
    mode: { mode: 'none', source: 'default', label: 'Closed' },
  },
] as const;

async function configure(project: string, extra: Record<string, string> = {}): Promise<void> {
  await resetPostgresForTesting();
  await resetRedisForTesting();
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: project,
        MASTODON_DIR: path.join(projectsDir, project),
        ...extra,
      },
    }),
  );
}

/** The same figures, asked differently: one statement each, with the joins spelled out as Mastodon's scopes read. */
async function directCounts(db: pg.ClientBase): Promise<PeopleCounts> {
  const one = async (sql: string) => Number((await db.query(sql)).rows[0].n);
  const users = await one(
    `SELECT count(*) AS n FROM users
      WHERE confirmed_at IS NOT NULL AND account_id IN (SELECT id FROM accounts WHERE suspended_at IS NULL)`,
  );
  const localPosts = await one(
    `SELECT COALESCE(sum(statuses_count), 0) AS n FROM account_stats
      WHERE account_id IN (SELECT id FROM accounts WHERE domain IS NULL)`,
  );
  const pendingSignUps = await one(`SELECT count(*) AS n FROM users WHERE NOT approved`);
  const openReports = await one(`SELECT count(*) AS n FROM reports WHERE action_taken_at IS NULL`);
  const owners = (
    await db.query(
      `SELECT a.username, u.confirmed_at IS NOT NULL AS confirmed, u.approved, u.disabled,
              a.suspended_at IS NOT NULL AS suspended
         FROM users u, accounts a, user_roles r
        WHERE a.id = u.account_id AND r.id = u.role_id AND r.permissions % 2 = 1
        ORDER BY u.created_at, a.username`,
    )
  ).rows as PeopleCounts['owners'];
  return { users, localPosts, pendingSignUps, openReports, owners };
}

async function inSnapshot<T>(db: pg.Client, work: () => Promise<T>): Promise<T> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    return await work();
  } finally {
    await db.query('ROLLBACK');
  }
}

afterAll(async () => {
  await resetPostgresForTesting();
  await resetRedisForTesting();
  setConfigForTesting(undefined);
});

describe.each(TARGETS)('people in $project (Mastodon $version)', (target) => {
  let db: pg.Client;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: target.pgUrl });
    await db.connect();
    await configure(target.project);
  });

  afterAll(async () => {
    await db.end();
  });

  it('counts exactly what the independent SQL counts, and the seeded people are there', async () => {
    const [ours, direct] = await inSnapshot(
      db,
      async () => [await readPeopleCounts(db), await directCounts(db)] as const,
    );
    expect(ours).toEqual(direct);
    // The seed (scripts/testbed/sql/seed.sql): alice is the Owner; erin waits for approval;
    // two of three reports are open.
    expect(ours.owners.find((owner) => owner.username === 'alice')).toEqual({
      username: 'alice',
      confirmed: true,
      approved: true,
      disabled: false,
      suspended: false,
    });
    expect(ours.users).toBeGreaterThanOrEqual(5);
    expect(ours.localPosts).toBeGreaterThanOrEqual(120 + 42 + 7 + 1 + 13);
  });

  it('follows added rows: confirmed unsuspended users, local posts, pending, open reports, Owners', async () => {
    await inSnapshot(db, async () => {
      const before = await readPeopleCounts(db);
      const stamp = `ppl${Date.now().toString(36)}`;
      const account = async (username: string, options: { domain?: string; suspended?: boolean } = {}) =>
        (
          await db.query(
            `INSERT INTO accounts (username, domain, suspended_at, created_at, updated_at)
             VALUES ($1, $2, $3, now(), now()) RETURNING id`,
            [username, options.domain ?? null, options.suspended ? new Date() : null],
          )
        ).rows[0].id as string;
      const user = async (
        accountId: string,
        options: { confirmed: boolean; approved: boolean; role?: string; disabled?: boolean },
      ) =>
        db.query(
          `INSERT INTO users (email, account_id, confirmed_at, approved, disabled, role_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, (SELECT id FROM user_roles WHERE name = $6), now(), now())`,
          [
            `${accountId}@people.test`,
            accountId,
            options.confirmed ? new Date() : null,
            options.approved,
            options.disabled ?? false,
            options.role ?? null,
          ],
        );
      const stats = (accountId: string, statuses: number) =>
        db.query(
          `INSERT INTO account_stats (account_id, statuses_count, created_at, updated_at)
           VALUES ($1, $2, now(), now())`,
          [accountId, statuses],
        );

      // Counted: a confirmed Owner who is disabled (still a user, as Mastodon counts), with 1000 posts.
      const owner = await account(`${stamp}o`);
      await user(owner, { confirmed: true, approved: true, role: 'Owner', disabled: true });
      await stats(owner, 1000);
      // Pending and unconfirmed: not a user yet, but a pending sign-up; an Admin, not an Owner.
      const pending = await account(`${stamp}p`);
      await user(pending, { confirmed: false, approved: false, role: 'Admin' });
      // Confirmed but suspended: neither a user nor pending; an Owner all the same.
      const suspended = await account(`${stamp}s`, { suspended: true });
      await user(suspended, { confirmed: true, approved: true, role: 'Owner' });
      await stats(suspended, 5);
      // Remote posts never count as local.
      const remote = await account(`${stamp}r`, { domain: 'remote.example' });
      await stats(remote, 70_000);
      // One open report, one resolved.
      for (const resolved of [false, true]) {
        await db.query(
          `INSERT INTO reports (account_id, target_account_id, action_taken_at, created_at, updated_at)
           VALUES ($1, $2, $3, now(), now())`,
          [owner, remote, resolved ? new Date() : null],
        );
      }

      const after = await readPeopleCounts(db);
      expect(after.users).toBe(before.users + 1);
      expect(after.localPosts).toBe(before.localPosts + 1005);
      expect(after.pendingSignUps).toBe(before.pendingSignUps + 1);
      expect(after.openReports).toBe(before.openReports + 1);
      expect(after.owners).toEqual([
        ...before.owners,
        { username: `${stamp}o`, confirmed: true, approved: true, disabled: true, suspended: false },
        { username: `${stamp}s`, confirmed: true, approved: true, disabled: false, suspended: true },
      ]);
      expect(after).toEqual(await directCounts(db));
    });
  });

  it('Owners hold the administrator bit, whatever the role is named, on both pages', async () => {
    await inSnapshot(db, async () => {
      const stamp = `own${Date.now().toString(36)}`;
      const role = async (name: string, permissions: number) =>
        (
          await db.query(
            `INSERT INTO user_roles (name, permissions, position, created_at, updated_at)
             VALUES ($1, $2, 500, now(), now()) RETURNING id`,
            [name, permissions],
          )
        ).rows[0].id as string;
      const person = async (username: string, roleId: string) => {
        const accountId = (
          await db.query(
            `INSERT INTO accounts (username, created_at, updated_at) VALUES ($1, now(), now()) RETURNING id`,
            [username],
          )
        ).rows[0].id as string;
        await db.query(
          `INSERT INTO users (email, account_id, confirmed_at, approved, role_id, created_at, updated_at)
           VALUES ($1, $2, now(), true, $3, now(), now())`,
          [`${username}@people.test`, accountId, roleId],
        );
      };
      // A renamed Owner role (administrator bit, any name), and a powerless role that bears the name 'Owner'.
      await person(`${stamp}root`, await role(`${stamp} Root`, 1));
      await person(`${stamp}fake`, await role('Owner', 0));

      const panelOwners = (await readPeopleCounts(db)).owners.map((owner) => owner.username);
      const accountsOwners = (await listOwners(db)).map((owner) => owner.username);
      expect(panelOwners).toContain(`${stamp}root`);
      expect(panelOwners).not.toContain(`${stamp}fake`);
      expect(panelOwners).toContain('alice');
      expect(panelOwners).toEqual(accountsOwners);
    });
  });

  it('serves the panel: counts, Owners and the registration mode with its link', async () => {
    const result = await peoplePanel();
    if (!result.ok) throw new Error(`panel failed: ${JSON.stringify(result.error)}`);
    const direct = await directCounts(db);
    expect(result.data.owners).toEqual(direct.owners);
    const { users, localPosts, pendingSignUps, openReports } = result.data;
    expect({ users, localPosts, pendingSignUps, openReports }).toEqual({
      users: direct.users,
      localPosts: direct.localPosts,
      pendingSignUps: direct.pendingSignUps,
      openReports: direct.openReports,
    });
    const { label, ...mode } = target.mode;
    expect(result.data.registrations).toMatchObject({ ok: true, data: { ...mode, href: '/registrations' } });
    if (result.data.registrations.ok) expect(inEnglish(result.data.registrations.data.label)).toBe(label);
  });
});

describe('one backend down blanks only what depends on it', () => {
  afterEach(async () => {
    await configure(testbed.project);
  });

  it('Postgres refusing connections fails the panel with a cause and a fix', async () => {
    await configure(testbed.project, { DB_PORT: '1' });
    const result = await peoplePanel();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('postgres_unreachable');
    expect(inEnglish(result.error.detail)).toContain('127.0.0.1:1/mastodon_43');
    expect(result.error.fix).toBeTruthy();
  });

  it('Docker gone leaves the counts and the stored mode readable', async () => {
    await configure(testbed.project, { DOCKER_HOST: 'unix:///run/mastodash-testbed/no-such.sock' });
    const result = await peoplePanel();
    if (!result.ok) throw new Error(`panel failed: ${JSON.stringify(result.error)}`);
    expect(result.data.owners.some((owner) => owner.username === 'alice')).toBe(true);
    // The version is unknown without Docker, but the stored row still says approved.
    expect(result.data.registrations).toMatchObject({ ok: true, data: { mode: 'approved', source: 'stored' } });
  });
});
