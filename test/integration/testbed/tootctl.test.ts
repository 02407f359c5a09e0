import { type ExecFileException, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTestbed } from '../../support/testbed';

// Runs the test bed's stand-in tootctl on the host under busybox sh, against the test bed Postgres and Redis, and
// checks it answers as the real one does for each version (mastodon/mastodon lib/mastodon/cli/{accounts,settings}.rb
// per release tag).

const TOOTCTL = fileURLToPath(new URL('../../../scripts/testbed/images/mastodon/tootctl', import.meta.url));
const EMAIL_DOMAIN = 'tootctl-test.example';
const PREFIX = `tt${Date.now().toString(36).slice(-5)}`;

type Shape = '43' | '44';
interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const testbed = readTestbed();
const pgUrls: Record<Shape, string> = { '43': testbed.pgUrl43, '44': testbed.pgUrl44 };
const redisUrl = new URL(testbed.redisUrl);

function dbEnv(shape: Shape): Record<string, string> {
  const url = new URL(pgUrls[shape]);
  return {
    DB_HOST: url.hostname,
    DB_PORT: url.port || '5432',
    DB_NAME: decodeURIComponent(url.pathname.replace(/^\//, '')),
    DB_USER: decodeURIComponent(url.username),
    DB_PASS: decodeURIComponent(url.password),
  };
}

function redisEnv(): Record<string, string> {
  return {
    REDIS_HOST: redisUrl.hostname,
    REDIS_PORT: redisUrl.port || '6379',
    REDIS_PASSWORD: decodeURIComponent(redisUrl.password),
    REDIS_DB: redisUrl.pathname.replace(/^\//, '') || '0',
  };
}

function tootctl(
  version: string,
  shape: Shape,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    MASTODON_VERSION: version,
    ...dbEnv(shape),
    ...redisEnv(),
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    const options = { env, timeout: 30_000, encoding: 'utf8' as const };
    execFile(
      'busybox',
      ['sh', TOOTCTL, ...args],
      options,
      (error: ExecFileException | null, stdout: string, stderr: string) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const clients = new Map<Shape, Client>();
function db(shape: Shape): Client {
  const client = clients.get(shape);
  if (!client) throw new Error(`no client for mastodon_${shape}`);
  return client;
}

interface UserRow {
  account_id: string;
  domain: string | null;
  email: string;
  approved: boolean;
  confirmed: boolean;
  disabled: boolean;
  role: string | null;
  stats: number;
}

async function findUser(shape: Shape, username: string): Promise<UserRow | undefined> {
  const result = await db(shape).query<UserRow>(
    `SELECT a.id::text AS account_id, a.domain, u.email, u.approved, u.confirmed_at IS NOT NULL AS confirmed,
            u.disabled,
            r.name AS role, (SELECT count(*)::int FROM account_stats s WHERE s.account_id = a.id) AS stats
       FROM accounts a JOIN users u ON u.account_id = a.id LEFT JOIN user_roles r ON r.id = u.role_id
      WHERE lower(a.username) = lower($1) AND a.domain IS NULL`,
    [username],
  );
  return result.rows[0];
}

async function countRows(shape: Shape, table: 'accounts' | 'users'): Promise<number> {
  const result = await db(shape).query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0]?.n ?? -1;
}

async function cleanup(shape: Shape): Promise<void> {
  await db(shape).query(
    `DELETE FROM accounts WHERE id IN (SELECT account_id FROM users WHERE email LIKE $1)
        OR (domain IS NULL AND username LIKE $2)`,
    [`%@${EMAIL_DOMAIN}`, `${PREFIX}%`],
  );
}

interface SettingRow {
  var: string;
  value: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}
const REGISTRATION_VARS = ['registrations_mode', 'require_invite_text'];
const siteWide = (shape: Shape): string => (shape === '43' ? 'AND thing_type IS NULL AND thing_id IS NULL' : '');

async function siteSetting(shape: Shape, name: string): Promise<string | null | undefined> {
  const result = await db(shape).query<{ value: string | null }>(
    `SELECT value FROM settings WHERE var = $1 ${siteWide(shape)}`,
    [name],
  );
  if (result.rows.length > 1) throw new Error(`${result.rows.length} site-wide ${name} rows`);
  return result.rows[0] ? result.rows[0].value : undefined;
}

async function setRegistrationsMode(shape: Shape, yaml: string | null): Promise<void> {
  await db(shape).query(`DELETE FROM settings WHERE var = 'registrations_mode' ${siteWide(shape)}`);
  if (yaml !== null) {
    await db(shape).query(
      `INSERT INTO settings (var, value, created_at, updated_at) VALUES ('registrations_mode', $1, now(), now())`,
      [yaml],
    );
  }
}

const savedSettings = new Map<Shape, SettingRow[]>();

beforeAll(async () => {
  for (const shape of ['43', '44'] as const) {
    const client = new Client({ connectionString: pgUrls[shape] });
    await client.connect();
    clients.set(shape, client);
    await cleanup(shape);
    const saved = await client.query<SettingRow>(
      `SELECT var, value, created_at, updated_at FROM settings WHERE var = ANY($1) ${siteWide(shape)}`,
      [REGISTRATION_VARS],
    );
    savedSettings.set(shape, saved.rows);
  }
});

afterAll(async () => {
  for (const [shape, client] of clients) {
    await cleanup(shape);
    await client.query(`DELETE FROM settings WHERE var = ANY($1) ${siteWide(shape)}`, [REGISTRATION_VARS]);
    for (const row of savedSettings.get(shape) ?? []) {
      await client.query('INSERT INTO settings (var, value, created_at, updated_at) VALUES ($1, $2, $3, $4)', [
        row.var,
        row.value,
        row.created_at,
        row.updated_at,
      ]);
    }
    await client.end();
  }
});

interface VersionCase {
  version: string;
  shape: Shape;
}
const VERSIONS: VersionCase[] = [
  { version: '4.0.2', shape: '43' },
  { version: '4.2.0', shape: '43' },
  { version: '4.3.17', shape: '43' },
  { version: '4.4.4', shape: '44' },
  { version: '4.5.0', shape: '44' },
];

function minor(version: string): number {
  const [major = '0', min = '0'] = version.split('.');
  return Number(major) * 100 + Number(min);
}

const HUMAN_40: Record<string, string> = {
  taken: 'has already been taken',
  reserved: 'is reserved',
  too_long: 'is too long (maximum is 30 characters)',
  'account.username invalid': 'must contain only letters, numbers and underscores',
  'email invalid': 'is invalid',
};

/** What report_errors prints for validation failures: stderr on 4.3+, stdout before; 4.0 uses human messages. */
function validationFailure(version: string, errors: Array<[attribute: string, type: string]>): RunResult {
  const text = errors
    .map(([attribute, type]) => {
      const shown = minor(version) <= 400 ? (HUMAN_40[`${attribute} ${type}`] ?? HUMAN_40[type] ?? type) : type;
      return `Failure/Error: ${attribute}\n    ${shown}\n`;
    })
    .join('');
  return minor(version) >= 403 ? { code: 1, stdout: '', stderr: text } : { code: 1, stdout: text, stderr: '' };
}

/** fail_with_message (4.3+, stderr) versus say + exit(1) (<= 4.2, stdout). */
function cliFailure(version: string, message: string): RunResult {
  return minor(version) >= 403
    ? { code: 1, stdout: '', stderr: `${message}\n` }
    : { code: 1, stdout: `${message}\n`, stderr: '' };
}

const thorError = (message: string): RunResult => ({ code: 1, stdout: '', stderr: `${message}\n` });
const ok: RunResult = { code: 0, stdout: 'OK\n', stderr: '' };
const PASSWORD_OUTPUT = /^OK\nNew password: [0-9a-f]{32}\n$/;

let counter = 0;
const freshName = (): string => `${PREFIX}_${(counter += 1)}`;
const emailFor = (username: string): string => `${username}@${EMAIL_DOMAIN}`;

describe.each(VERSIONS)('tootctl as Mastodon $version (mastodon_$shape)', ({ version, shape }) => {
  const run = (...args: string[]): Promise<RunResult> => tootctl(version, shape, args);
  const hasApprove = minor(version) >= 401;

  beforeEach(async () => {
    await setRegistrationsMode(shape, '--- approved\n');
  });

  it('prints the version for version, -v and --version', async () => {
    for (const spelling of ['version', '-v', '--version']) {
      expect(await run(spelling)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('creates a confirmed Owner with a generated password, in accounts, users and account_stats', async () => {
    const username = freshName();
    const args = ['accounts', 'create', username, `--email=${emailFor(username)}`, '--confirmed', '--role', 'Owner'];
    const result = await run(...args, ...(hasApprove ? ['--approve'] : []));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(PASSWORD_OUTPUT);
    expect(await findUser(shape, username)).toMatchObject({
      domain: null,
      email: emailFor(username),
      confirmed: true,
      // registrations are `approved`: only --approve (4.1+) approves a CLI-created user.
      approved: hasApprove,
      disabled: false,
      role: 'Owner',
      stats: 1,
    });
  });

  it('approves a new user only when registrations are open or --approve is given', async () => {
    const pending = freshName();
    expect((await run('accounts', 'create', pending, '--email', emailFor(pending))).stdout).toMatch(PASSWORD_OUTPUT);
    expect(await findUser(shape, pending)).toMatchObject({ approved: false, confirmed: false, role: null });

    await setRegistrationsMode(shape, '--- open\n');
    const open = freshName();
    expect((await run('accounts', 'create', open, '--email', emailFor(open))).stdout).toMatch(PASSWORD_OUTPUT);
    expect(await findUser(shape, open)).toMatchObject({ approved: true });

    // No row: the settings.yml default, open up to 4.2 and none from 4.3.
    await setRegistrationsMode(shape, null);
    const byDefault = freshName();
    expect((await run('accounts', 'create', byDefault, '--email', emailFor(byDefault))).stdout).toMatch(
      PASSWORD_OUTPUT,
    );
    expect(await findUser(shape, byDefault)).toMatchObject({ approved: minor(version) <= 402 });
  });

  if (hasApprove) {
    it('accepts --approve when registrations need approval', async () => {
      const username = freshName();
      const result = await run('accounts', 'create', username, '--email', emailFor(username), '--approve');
      expect(result.stdout).toMatch(PASSWORD_OUTPUT);
      expect(await findUser(shape, username)).toMatchObject({ approved: true });
    });
  } else {
    it('rejects --approve like Thor rejects an extra argument, and creates nothing', async () => {
      const username = freshName();
      const result = await run('accounts', 'create', username, '--email', emailFor(username), '--approve');
      expect(result).toEqual(
        thorError(
          `ERROR: "tootctl accounts create" was called with arguments ["${username}", "--approve"]\n` +
            'Usage: "tootctl accounts create USERNAME --email=EMAIL"',
        ),
      );
      expect(await findUser(shape, username)).toBeUndefined();
    });
  }

  it('reports a taken username (case-insensitively), a taken e-mail, and both', async () => {
    const fresh = freshName();
    expect(await run('accounts', 'create', 'ALICE', '--email', emailFor(fresh))).toEqual(
      validationFailure(version, [['account.username', 'taken']]),
    );
    expect(await run('accounts', 'create', fresh, '--email', 'Alice@Testbed.Example')).toEqual(
      validationFailure(version, [['email', 'taken']]),
    );
    expect(await run('accounts', 'create', 'alice', '--email', 'alice@testbed.example')).toEqual(
      validationFailure(version, [
        ['email', 'taken'],
        ['account.username', 'taken'],
      ]),
    );
    expect(await findUser(shape, fresh)).toBeUndefined();
  });

  it('rejects invalid and too long usernames and invalid e-mails', async () => {
    expect(await run('accounts', 'create', 'no-dashes', '--email', emailFor(freshName()))).toEqual(
      validationFailure(version, [['account.username', 'invalid']]),
    );
    expect(await run('accounts', 'create', 'a'.repeat(31), '--email', emailFor(freshName()))).toEqual(
      validationFailure(version, [['account.username', 'too_long']]),
    );
    expect(await run('accounts', 'create', freshName(), '--email', 'not an e-mail')).toEqual(
      validationFailure(version, [['email', 'invalid']]),
    );
  });

  it('treats hostile usernames and e-mails as data', async () => {
    const accountsBefore = await countRows(shape, 'accounts');
    const usersBefore = await countRows(shape, 'users');
    for (const username of ["a'; drop table users; --", 'x$(touch /tmp/pwned)', 'b`id`;', 'c"d\\e']) {
      expect(await run('accounts', 'create', username, '--email', emailFor(freshName()))).toEqual(
        validationFailure(version, [['account.username', 'invalid']]),
      );
    }
    expect(await countRows(shape, 'accounts')).toBe(accountsBefore);
    expect(await countRows(shape, 'users')).toBe(usersBefore);

    const username = freshName();
    const email = `o'brien$(id);--${username}@${EMAIL_DOMAIN}`;
    expect((await run('accounts', 'create', username, '--email', email)).stdout).toMatch(PASSWORD_OUTPUT);
    expect(await findUser(shape, username)).toMatchObject({ email });
  });

  it('applies the reserved-username list of the version', async () => {
    const result = await run('accounts', 'create', 'admin', '--email', emailFor(`${PREFIX}admin`));
    if (minor(version) >= 404) {
      // 4.4.4+ bypasses the reserved list for CLI-created accounts.
      expect(result.stdout).toMatch(PASSWORD_OUTPUT);
      expect(await findUser(shape, 'admin')).toMatchObject({ email: emailFor(`${PREFIX}admin`) });
      await cleanup(shape);
    } else {
      expect(result).toEqual(validationFailure(version, [['account.username', 'reserved']]));
    }
  });

  it('fails on an unknown (case-sensitive) role', async () => {
    const username = freshName();
    expect(await run('accounts', 'create', username, '--email', emailFor(username), '--role=owner')).toEqual(
      cliFailure(version, 'Cannot find user role with that name'),
    );
    expect(await findUser(shape, username)).toBeUndefined();
  });

  it('reports a missing --email and a missing USERNAME like Thor', async () => {
    expect(await run('accounts', 'create', freshName())).toEqual(
      thorError("No value provided for required options '--email'"),
    );
    expect(await run('accounts', 'create', '--email', emailFor(freshName()))).toEqual(
      thorError(
        'ERROR: "tootctl accounts create" was called with no arguments\nUsage: "tootctl accounts' +
          ' create USERNAME --email=EMAIL"',
      ),
    );
  });

  it('refuses --reattach onto a username in use without --force, exiting 0', async () => {
    expect(await run('accounts', 'create', 'bob', '--email', emailFor(freshName()), '--reattach')).toEqual({
      code: 0,
      stdout: 'The chosen username is currently in use\nUse --force to reattach it anyway and delete the other user\n',
      stderr: '',
    });
  });

  it('modifies a user: approve, confirm, role, disable, enable', async () => {
    const username = freshName();
    expect((await run('accounts', 'create', username, '--email', emailFor(username))).stdout).toMatch(PASSWORD_OUTPUT);
    expect(
      await run(
        'accounts',
        'modify',
        username.toUpperCase(),
        '--approve',
        '--confirm',
        '--role',
        'Moderator',
        '--disable',
      ),
    ).toEqual(ok);
    expect(await findUser(shape, username)).toMatchObject({
      approved: true,
      confirmed: true,
      role: 'Moderator',
      disabled: true,
    });
    expect(await run('accounts', 'modify', username, '--enable', '--role', 'Nope')).toEqual(
      cliFailure(version, 'Cannot find user role with that name'),
    );
    expect(await run('accounts', 'modify', username, '--enable')).toEqual(ok);
    expect(await findUser(shape, username)).toMatchObject({ disabled: false });
  });

  it('fails to modify an unknown user', async () => {
    expect(await run('accounts', 'modify', `${PREFIX}_nobody`, '--approve')).toEqual(
      cliFailure(version, 'No user with such username'),
    );
  });

  it('writes registrations settings site-wide, as YAML, and expires the Rails cache entry', async () => {
    const redis = new Redis(testbed.redisUrl);
    try {
      const cacheKey = `cache:rails_settings_cached/${'0123456789abcdef'.repeat(2)}/registrations_mode`;
      await redis.set(cacheKey, 'stale', 'EX', 600);
      expect(await run('settings', 'registrations', 'open')).toEqual(ok);
      expect(await siteSetting(shape, 'registrations_mode')).toBe('--- open\n');
      expect(await redis.exists(cacheKey)).toBe(0);

      await setRegistrationsMode(shape, null);
      expect(await run('settings', 'registrations', 'close')).toEqual(ok);
      expect(await siteSetting(shape, 'registrations_mode')).toBe('--- none\n');

      expect(await run('settings', 'registrations', 'approved', '--require-reason')).toEqual(ok);
      expect(await siteSetting(shape, 'registrations_mode')).toBe('--- approved\n');
      expect(await siteSetting(shape, 'require_invite_text')).toBe('--- true\n');
      expect(await run('settings', 'registrations', 'approved', '--no-require-reason')).toEqual(ok);
      expect(await siteSetting(shape, 'require_invite_text')).toBe('--- false\n');
      expect(await run('settings', 'registrations', 'approved', '--require_reason')).toEqual(ok);
      expect(await siteSetting(shape, 'require_invite_text')).toBe('--- true\n');
      expect(await run('settings', 'registrations', 'open')).toEqual(ok);
      expect(await siteSetting(shape, 'require_invite_text')).toBe('--- true\n');

      if (shape === '43') {
        const perUser = await db(shape).query<{ n: number }>(
          "SELECT count(*)::int AS n FROM settings WHERE thing_type = 'User' AND var = 'notification_emails'",
        );
        expect(perUser.rows[0]?.n).toBe(1);
      }
    } finally {
      redis.disconnect();
    }
  });

  if (minor(version) <= 403) {
    it('uses the <namespace>_cache: prefix when REDIS_NAMESPACE is set', async () => {
      const redis = new Redis(testbed.redisUrl);
      try {
        const cacheKey = `${PREFIX}_cache:rails_settings_cached/${'f'.repeat(32)}/registrations_mode`;
        await redis.set(cacheKey, 'stale', 'EX', 600);
        expect(
          await tootctl(version, shape, ['settings', 'registrations', 'close'], { REDIS_NAMESPACE: PREFIX }),
        ).toEqual(ok);
        expect(await redis.exists(cacheKey)).toBe(0);
      } finally {
        redis.disconnect();
      }
    });
  }

  it('answers unknown commands and extra arguments like Thor', async () => {
    expect(await run('frobnicate')).toEqual(thorError('Could not find command "frobnicate".'));
    expect(await run('accounts', 'frobnicate')).toEqual(
      thorError('Could not find command "frobnicate" in "accounts" namespace.'),
    );
    expect(await run('settings', 'registrations', 'close', 'now')).toEqual(
      thorError(
        'ERROR: "tootctl registrations close" was called with arguments ["now"]\nUsage: "tootctl registrations close"',
      ),
    );
  });
});

describe('tootctl as Mastodon 4.4.0 (mastodon_44)', () => {
  it('rejects names of the longer 4.4.0-4.4.3 reserved list', async () => {
    expect(await tootctl('4.4.0', '44', ['accounts', 'create', 'owner', '--email', emailFor(freshName())])).toEqual(
      validationFailure('4.4.0', [['account.username', 'reserved']]),
    );
  });

  it('refuses to boot with REDIS_NAMESPACE set', async () => {
    const result = await tootctl('4.4.4', '44', ['version'], { REDIS_NAMESPACE: 'mastodon' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ERROR: the REDIS_NAMESPACE environment variable is no longer supported/);
  });
});
