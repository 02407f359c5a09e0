import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { createAccountAction } from '@/app/accounts/actions';
import type { ActionResult } from '@/lib/actions/result';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { decodeText, renderText } from '@/lib/i18n/text';
import { listOwners, listRoles, findLocalAccount } from '@/lib/mastodon/accounts';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';
import { followDockerEvents, untilFollowing, type DockerEventFollower } from '../../support/docker-events';
import { readTestbed } from '../../support/testbed';

vi.mock('@/lib/auth/guard', () => import('../../support/signed-in-guard'));

/** The field errors (encoded Texts, as the form receives them) in English, or in German. */
function inWords<T>(result: ActionResult<T>, locale: 'en' | 'de' = 'en'): ActionResult<T> {
  if (result.ok || !result.fieldErrors) return result;
  const render = (error: string) =>
    locale === 'en' ? inEnglish(decodeText(error)) : renderText(translatorFor(locale), decodeText(error));
  return {
    ...result,
    fieldErrors: Object.fromEntries(
      Object.entries(result.fieldErrors).map(([field, errors]) => [field, errors?.map(render)]),
    ),
  };
}

const run = promisify(execFile);
const testbed = readTestbed();
const PROJECTS_ROOT = path.dirname(testbed.mastodonDir);
const PROJECT_SH = 'scripts/testbed/project.sh';
const STAMP = Date.now().toString(36).slice(-6);

interface Target {
  project: string;
  version: string;
  pgUrl: string;
  /** Versions ≤4.4.3 refuse 'admin' as reserved; 4.4.4+ let tootctl create it. */
  reservesAdmin: boolean;
  /** Started (and removed) by this file. */
  extra: boolean;
}

const TARGETS: Target[] = [
  { project: testbed.project, version: '4.3.17', pgUrl: testbed.pgUrl43, reservesAdmin: true, extra: false },
  { project: testbed.otherProject, version: '4.4.4', pgUrl: testbed.pgUrl44, reservesAdmin: false, extra: false },
  { project: 'mdv40', version: '4.0.2', pgUrl: testbed.pgUrl43, reservesAdmin: true, extra: true },
  { project: 'mdv42', version: '4.2.0', pgUrl: testbed.pgUrl43, reservesAdmin: true, extra: true },
];

/** Every account this file creates, per database, deleted in afterAll so the test bed stays as seeded. */
const created = new Map<string, Set<string>>();
let store: Store;
let dataDir: string;
/** Every exec_create on the test bed while this file runs (see test/support/docker-events.ts for why live). */
let execCreates: DockerEventFollower;

function remember(pgUrl: string, username: string): void {
  if (!created.has(pgUrl)) created.set(pgUrl, new Set());
  created.get(pgUrl)?.add(username);
}

function name(target: Target, what: string): string {
  return `t${STAMP}_${target.version.replace(/\./g, '')}_${what}`.slice(0, 30);
}

async function configure(target: Target): Promise<void> {
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: target.project,
        MASTODON_DIR: path.join(PROJECTS_ROOT, target.project),
        DATA_DIR: dataDir,
      },
    }),
  );
  await resetPostgresForTesting();
}

async function dockerCli(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** The commands Docker was asked to exec in the project's containers between two times, health probes left out. */
async function execsBetween(project: string, since: number, until: number, onlyAccounts = false): Promise<string[]> {
  // Events reach the follower through a pipe: give the last ones a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return (
    execCreates
      .events()
      .filter((event) => event.project === project && event.timeMs >= since && event.timeMs <= until)
      .map((event) => event.action.trim())
      .filter((line) => line !== '')
      // The test bed's health checks all start with the /tmp/unhealthy guard (scripts/testbed/project.sh).
      .filter((line) => !line.includes('/tmp/unhealthy'))
      // On the shared projects other suites exec too (media permission checks); there only tootctl accounts counts.
      .filter((line) => !onlyAccounts || line.includes('tootctl accounts'))
  );
}

async function project(...args: string[]): Promise<void> {
  await run('bash', [PROJECT_SH, ...args], { maxBuffer: 16 * 1024 * 1024 });
}

function auditText(): string {
  return JSON.stringify(store.prepare('SELECT * FROM audit_log ORDER BY id').all());
}

beforeAll(async () => {
  execCreates = followDockerEvents(['type=container', 'event=exec_create']);
  await untilFollowing(
    execCreates,
    () => dockerCli('exec', `${testbed.project}-web-1`, 'true'),
    (event) => event.action === 'exec_create: true',
  );
  dataDir = mkdtempSync(path.join(tmpdir(), 'mastodash-accounts-'));
  store = openStore(dataDir);
  setStoreForTesting(store);
  for (const target of TARGETS.filter((t) => t.extra)) {
    await project('up', target.project, '--version', target.version);
  }
  for (const target of TARGETS.filter((t) => t.extra)) {
    await project('wait-healthy', target.project, '180');
  }
}, 300_000);

afterAll(async () => {
  execCreates?.stop();
  for (const [pgUrl, usernames] of created) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const names = [...usernames];
      await client.query('BEGIN');
      const ids = `SELECT id FROM accounts WHERE lower(username) = ANY ($1) AND domain IS NULL`;
      await client.query(`DELETE FROM account_stats WHERE account_id IN (${ids})`, [names]);
      await client.query(`DELETE FROM users WHERE account_id IN (${ids})`, [names]);
      await client.query(`DELETE FROM accounts WHERE lower(username) = ANY ($1) AND domain IS NULL`, [names]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }
  for (const target of TARGETS.filter((t) => t.extra)) {
    await project('down', target.project).catch((error: unknown) =>
      console.error(`project.sh down ${target.project}:`, error),
    );
  }
  setStoreForTesting(undefined);
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  await resetPostgresForTesting();
  setConfigForTesting(undefined);
}, 180_000);

afterEach(() => vi.restoreAllMocks());

describe.each(TARGETS)('accounts on $project (Mastodon $version)', (target) => {
  const owner = name(target, 'owner');
  const ownerEmail = `${owner}@example.org`;
  let password = '';

  beforeAll(async () => {
    await configure(target);
  });

  it('lists the roles, highest first, without the everyone role', async () => {
    const roles = await listRoles();
    expect(roles.map((role) => role.name)).toEqual(['Owner', 'Admin', 'Moderator']);
    expect(roles.find((role) => role.name === 'Owner')?.administrator).toBe(true);
  });

  it('creates an Owner: a 32-hex password once, read back confirmed and approved, listed as Owner', async () => {
    const output: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation(
        (...args: unknown[]) => void output.push(args.map(String).join(' ')),
      );
    }
    const since = Date.now();
    remember(target.pgUrl, owner);
    const result = await createAccountAction({
      username: owner.toUpperCase(),
      email: ownerEmail,
      role: 'Owner',
      confirmed: true,
      approve: true,
    });
    const until = Date.now() + 1000;
    if (!result.ok) throw new Error(JSON.stringify(result));
    password = result.data.password;
    expect(password).toMatch(/^[0-9a-f]{32}$/);
    expect(result.data.account).toEqual({ username: owner, role: 'Owner', confirmed: true, approved: true });
    expect(result.data.version).toBe(target.version);
    expect(result.data.container).toMatch(new RegExp(`^${target.project}-(web|sidekiq)-1$`));
    expect(result.data.warnings).toEqual([]);
    expect(result.data.owners).toContainEqual(
      expect.objectContaining({ username: owner, confirmed: true, approved: true }),
    );

    const owners = await listOwners();
    expect(owners).toContainEqual(
      expect.objectContaining({ username: owner, email: ownerEmail, role: 'Owner', confirmed: true, approved: true }),
    );
    expect(await findLocalAccount(owner)).toEqual({ username: owner, role: 'Owner', confirmed: true, approved: true });

    // The positive control for the exec count below: this run's tootctl did reach Docker (and on 4.0, the approve too).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const execs = await execsBetween(target.project, since, until, !target.extra);
    expect(execs.filter((cmd) => cmd.includes('tootctl accounts create'))).toHaveLength(1);
    expect(execs.filter((cmd) => cmd.includes('tootctl accounts modify'))).toHaveLength(
      target.version === '4.0.2' ? 1 : 0,
    );

    // The password is nowhere on the server: not in the audit log, the store file or any console output.
    const audit = auditText();
    expect(audit).toContain(owner);
    const record = store
      .prepare(`SELECT params FROM audit_log WHERE action = 'account.created' AND target = ? AND outcome = 'succeeded'`)
      .get(owner) as { params: string } | undefined;
    expect(JSON.parse(record?.params ?? '{}')).toEqual({
      username: owner,
      emailDomain: 'example.org',
      role: 'Owner',
      confirmed: true,
      approve: true,
    });
    expect(audit).not.toContain(password);
    expect(audit).not.toContain(ownerEmail);
    for (const file of readdirSync(dataDir))
      expect(readFileSync(path.join(dataDir, file)).includes(password), file).toBe(false);
    expect(output.join('\n')).not.toContain(password);
  });

  it('refuses a taken username (case-insensitively) next to the username field', async () => {
    const result = await createAccountAction({
      username: owner,
      email: `${name(target, 'other')}@example.org`,
      role: 'Owner',
      confirmed: true,
      approve: true,
    });
    expect(inWords(result)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
      fieldErrors: { username: [expect.stringMatching(/already taken/)] },
    });
    expect(inWords(result, 'de')).toMatchObject({
      fieldErrors: { username: [expect.stringMatching(/^Dieser Profilname ist auf diesem Server bereits vergeben/)] },
    });
    if (!result.ok) expect(result.fieldErrors?.email).toBeUndefined();
  });

  it('refuses a taken email next to the email field', async () => {
    const other = name(target, 'mail');
    remember(target.pgUrl, other);
    const result = await createAccountAction({
      username: other,
      email: ownerEmail.toUpperCase(),
      role: 'Owner',
      confirmed: true,
      approve: true,
    });
    expect(inWords(result)).toMatchObject({
      ok: false,
      fieldErrors: { email: [expect.stringMatching(/already exists/)] },
    });
    expect(inWords(result, 'de')).toMatchObject({
      fieldErrors: { email: ['Auf diesem Server gibt es bereits ein Konto mit dieser E-Mail-Adresse.'] },
    });
    expect(await findLocalAccount(other)).toBeUndefined();
  });

  it('refuses an unknown role (names are case-sensitive) next to the role field', async () => {
    const other = name(target, 'role');
    remember(target.pgUrl, other);
    const result = await createAccountAction({
      username: other,
      email: `${other}@example.org`,
      role: 'owner',
      confirmed: true,
      approve: true,
    });
    expect(inWords(result)).toMatchObject({
      ok: false,
      fieldErrors: { role: [expect.stringMatching(/No role is named "owner".*Owner, Admin, Moderator/)] },
    });
    expect(inWords(result, 'de')).toMatchObject({
      fieldErrors: { role: [expect.stringMatching(/^Es gibt keine Rolle namens „owner“.*Owner, Admin, Moderator/)] },
    });
    expect(await findLocalAccount(other)).toBeUndefined();
  });

  if (!target.reservesAdmin) {
    // From 4.4.4 the CLI bypasses the reserved list, so the dashboard must not refuse what Mastodon accepts.
    it('creates an account named admin, which this version no longer reserves for the CLI', async () => {
      remember(target.pgUrl, 'admin');
      const result = await createAccountAction({
        username: 'Admin',
        email: `${name(target, 'adm')}@example.org`,
        role: 'Owner',
        confirmed: true,
        approve: true,
      });
      expect(result).toMatchObject({
        ok: true,
        data: { password: expect.stringMatching(/^[0-9a-f]{32}$/), account: { username: 'admin' } },
      });
    });
  }

  if (target.reservesAdmin) {
    it('refuses the reserved name admin with the version-specific explanation, before any exec', async () => {
      const since = Date.now();
      const result = await createAccountAction({
        username: 'Admin',
        email: `${name(target, 'adm')}@example.org`,
        role: 'Owner',
        confirmed: true,
        approve: true,
      });
      const until = Date.now() + 1000;
      expect(inWords(result)).toMatchObject({
        ok: false,
        fieldErrors: { username: [expect.stringContaining(`Mastodon ${target.version} reserves this username`)] },
      });
      expect(inWords(result, 'de')).toMatchObject({
        fieldErrors: {
          username: [expect.stringContaining(`Mastodon ${target.version} reserviert diesen Profilnamen`)],
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await execsBetween(target.project, since, until, !target.extra)).toEqual([]);
    });
  }

  it('the audit log has an outcome for every attempt, and no password', () => {
    const rows = store
      .prepare(`SELECT target, outcome, params, error FROM audit_log WHERE action = 'account.created'`)
      .all() as {
      target: string;
      outcome: string;
    }[];
    expect(rows.some((row) => row.target === owner && row.outcome === 'succeeded')).toBe(true);
    expect(rows.every((row) => row.outcome !== 'started')).toBe(true);
    expect(password).not.toBe('');
    expect(auditText()).not.toContain(password);
  });
});

/** Hostile input: every entry is refused by the shared schema, and Docker sees no exec at all. */
const HOSTILE: [label: string, input: unknown, field: string | undefined][] = [
  ['option injection as username', { username: '--role=Owner' }, 'username'],
  ['a short option as username', { username: '-x' }, 'username'],
  ['--force as username', { username: '--force' }, 'username'],
  ['a semicolon', { username: 'bob;id' }, 'username'],
  ['command substitution', { username: '$(id)' }, 'username'],
  ['backticks', { username: '`id`' }, 'username'],
  ['a newline', { username: 'bob\nrm' }, 'username'],
  ['a NUL byte', { username: 'bob\u0000' }, 'username'],
  ['a Cyrillic а in admin', { username: '\u0430dmin' }, 'username'],
  ['the Kelvin sign', { username: '\u212aate' }, 'username'],
  ['a zero-width space', { username: 'ali\u200bce' }, 'username'],
  ['a dot', { username: 'alice.smith' }, 'username'],
  ['31 characters', { username: 'a'.repeat(31) }, 'username'],
  ['a 100 kB username', { username: 'a'.repeat(100 * 1024) }, 'username'],
  ['an empty username', { username: '' }, 'username'],
  ['a whitespace-only username', { username: '   ' }, 'username'],
  ['an email with a space', { email: 'a b@example.org' }, 'email'],
  ['an email with a newline', { email: 'a@example.org\nBcc: x@evil.example' }, 'email'],
  ['an email with a NUL', { email: 'a@example.org\u0000' }, 'email'],
  ['an email starting with -', { email: '-x@example.org' }, 'email'],
  ['an email that is an option', { email: '--role=Owner' }, 'email'],
  ['command substitution in an email', { email: '$(id)@example.org' }, 'email'],
  ['backticks in an email', { email: '`id`@example.org' }, 'email'],
  ['a 100 kB email', { email: `${'a'.repeat(100 * 1024)}@example.org` }, 'email'],
  ['an email without @', { email: 'alice.example.org' }, 'email'],
  ['a role that is an option', { role: '--force' }, 'role'],
  ['a role with a newline', { role: 'Owner\n--approve' }, 'role'],
  ['an empty role', { role: '' }, 'role'],
  ['a 100 kB role', { role: 'O'.repeat(100 * 1024) }, 'role'],
  ['a string flag', { confirmed: 'yes' }, 'confirmed'],
  ['an unknown container field', { container: 'mdtest-db-1' }, undefined],
  ['an extra option field', { force: true }, undefined],
];

describe('hostile input against Mastodon 4.2.0 (mdv42, used by no one else)', () => {
  const target = TARGETS.find((t) => t.project === 'mdv42') as Target;

  beforeAll(async () => {
    await configure(target);
  });

  it('has at least 30 entries', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
  });

  it('refuses every entry with a field message, and no exec reaches Docker', async () => {
    const base = {
      username: name(target, 'hostile'),
      email: `${name(target, 'hostile')}@example.org`,
      role: 'Owner',
      confirmed: true,
      approve: true,
    };
    remember(target.pgUrl, base.username);
    const since = Date.now();
    for (const [label, patch, field] of HOSTILE) {
      const result = await createAccountAction({ ...base, ...(patch as object) });
      expect(result.ok, label).toBe(false);
      if (result.ok) continue;
      expect(result.error.code, label).toBe('invalid_input');
      if (field) expect(inEnglish(decodeText(result.fieldErrors?.[field]?.[0] ?? '')), label).toMatch(/\S/);
      else expect(result.error.detail, label).toMatch(/Unrecognized key/i);
    }
    for (const body of [null, 'username=alice', 42, []]) {
      const result = await createAccountAction(body);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    const until = Date.now() + 1000;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await execsBetween(target.project, since, until)).toEqual([]);
    expect(await findLocalAccount(base.username)).toBeUndefined();
    // Refused input is not a started operation: nothing of it reached the audit log either.
    expect(auditText()).not.toContain('hostile');
  });
});
