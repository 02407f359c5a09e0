import { type ExecFileException, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';
import { factsFor, officialSidekiqGreps } from '@/lib/mastodon/version-facts';

import { readTestbed } from '../../support/testbed';

// The contract between the product's per-version facts (lib/mastodon/version-facts.ts, read from the real
// releases) and the test bed: the stand-in tootctl and the compose files project.sh writes must answer, for every
// supported version, what the table says the real release does. The stand-in runs on the host under busybox sh,
// against a schema of its own in the test bed Postgres (search_path via PGOPTIONS), so no one else's rows move.

const TOOTCTL = fileURLToPath(new URL('../../../scripts/testbed/images/mastodon/tootctl', import.meta.url));
const PROJECT_SH = fileURLToPath(new URL('../../../scripts/testbed/project.sh', import.meta.url));
const SQL_DIR = fileURLToPath(new URL('../../../scripts/testbed/sql/', import.meta.url));
const STAMP = Date.now().toString(36).slice(-5);
const SCHEMA = { '43': `mds22d_contract_43_${STAMP}`, '44': `mds22d_contract_44_${STAMP}` } as const;

type Shape = keyof typeof SCHEMA;
interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The supported versions: 4.0.2, 4.1.9, 4.2.7, 4.2.8, the latest 4.2 read, 4.3, 4.4 before
 * and after 4.4.4, 4.5.
 */
const VERSIONS = ['4.0.2', '4.1.9', '4.2.7', '4.2.8', '4.2.12', '4.3.17', '4.4.3', '4.4.4', '4.5.0', '4.5.15'] as const;

const testbed = readTestbed();
const pgUrls: Record<Shape, string> = { '43': testbed.pgUrl43, '44': testbed.pgUrl44 };
const clients = new Map<Shape, Client>();

function versionOf(text: string): MastodonVersion {
  const version = parseMastodonVersion(text);
  if (!version) throw new Error(text);
  return version;
}

function shapeOf(version: MastodonVersion): Shape {
  return factsFor(version).settingsShape === 'thing-columns' ? '43' : '44';
}

function db(shape: Shape): Client {
  const client = clients.get(shape);
  if (!client) throw new Error(`no client for ${shape}`);
  return client;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env, timeout: 30_000, encoding: 'utf8' },
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

function tootctl(version: string, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const shape = shapeOf(versionOf(version));
  const url = new URL(pgUrls[shape]);
  const redis = new URL(testbed.redisUrl);
  return run('busybox', ['sh', TOOTCTL, ...args], {
    NODE_ENV: 'test',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    MASTODON_VERSION: version,
    DB_HOST: url.hostname,
    DB_PORT: url.port || '5432',
    DB_NAME: decodeURIComponent(url.pathname.replace(/^\//, '')),
    DB_USER: decodeURIComponent(url.username),
    DB_PASS: decodeURIComponent(url.password),
    PGOPTIONS: `-c search_path=${SCHEMA[shape]}`,
    REDIS_HOST: redis.hostname,
    REDIS_PORT: redis.port || '6379',
    REDIS_PASSWORD: decodeURIComponent(redis.password),
    REDIS_DB: redis.pathname.replace(/^\//, '') || '0',
    ...extraEnv,
  });
}

async function approvedOf(shape: Shape, username: string): Promise<boolean | undefined> {
  const result = await db(shape).query<{ approved: boolean }>(
    'SELECT u.approved FROM accounts a JOIN users u ON u.account_id = a.id WHERE lower(a.username) =' +
      ' lower($1) AND a.domain IS NULL',
    [username],
  );
  return result.rows[0]?.approved;
}

function name(version: string, what: string): string {
  return `c${STAMP}_${version.replace(/\./g, '')}_${what}`.slice(0, 30);
}

beforeAll(async () => {
  const schemaSql = readFileSync(`${SQL_DIR}schema.sql`, 'utf8');
  const roles =
    readFileSync(`${SQL_DIR}seed.sql`, 'utf8')
      .match(/INSERT INTO user_roles[\s\S]*?;\n/g)
      ?.join('') ?? '';
  expect(roles).toContain('Owner');
  for (const shape of ['43', '44'] as const) {
    const client = new Client({ connectionString: pgUrls[shape] });
    await client.connect();
    clients.set(shape, client);
    await client.query(`CREATE SCHEMA ${SCHEMA[shape]}`);
    await client.query(`SET search_path TO ${SCHEMA[shape]}`);
    await client.query(schemaSql + readFileSync(`${SQL_DIR}settings-${shape}.sql`, 'utf8') + roles);
  }
});

afterAll(async () => {
  for (const [shape, client] of clients) {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA[shape]} CASCADE`);
    await client.end();
  }
});

describe.each(VERSIONS)('the stand-in tootctl as Mastodon %s equals the version table', (text) => {
  const version = versionOf(text);
  const facts = factsFor(version);
  const shape = shapeOf(version);

  it('prints its version', async () => {
    expect(await tootctl(text, ['version'])).toEqual({ code: 0, stdout: `${text}\n`, stderr: '' });
  });

  const approval = facts.createApproval === 'create-flag' ? 'accepts' : 'refuses, like Thor,';
  it(`${approval} accounts create --approve`, async () => {
    const username = name(text, 'appr');
    const result = await tootctl(text, [
      'accounts',
      'create',
      username,
      `--email=${username}@contract.example`,
      '--role=Owner',
      '--approve',
    ]);
    if (facts.createApproval === 'create-flag') {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^OK\nNew password: [0-9a-f]{32}\n$/);
      expect(await approvedOf(shape, username)).toBe(true);
    } else {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `ERROR: "tootctl accounts create" was called with arguments ["${username}", "--approve"]`,
      );
      expect(await approvedOf(shape, username)).toBeUndefined();
    }
  });

  it('approves through accounts modify --approve (the path for releases without the create flag)', async () => {
    const username = name(text, 'mod');
    expect((await tootctl(text, ['accounts', 'create', username, `--email=${username}@contract.example`])).code).toBe(
      0,
    );
    await db(shape).query(`UPDATE users SET approved = false WHERE email = $1`, [`${username}@contract.example`]);
    expect(await tootctl(text, ['accounts', 'modify', username, '--approve'])).toEqual({
      code: 0,
      stdout: 'OK\n',
      stderr: '',
    });
    expect(await approvedOf(shape, username)).toBe(true);
  });

  it('uses the registration default of the table when no settings row exists', async () => {
    await db(shape).query(`DELETE FROM settings WHERE var = 'registrations_mode'`);
    const username = name(text, 'dflt');
    expect((await tootctl(text, ['accounts', 'create', username, `--email=${username}@contract.example`])).code).toBe(
      0,
    );
    const mode = facts.defaultRegistrationsMode;
    expect(mode.known).toBe(true);
    // before_create :set_approved approves only while registrations are open.
    expect(await approvedOf(shape, username)).toBe(mode.known && mode.value === 'open');
  });

  it('prints validation failures as the table says (error types or errors.to_h) on the right stream', async () => {
    const username = name(text, 'dup');
    expect((await tootctl(text, ['accounts', 'create', username, `--email=${username}@contract.example`])).code).toBe(
      0,
    );
    const result = await tootctl(text, [
      'accounts',
      'create',
      username.toUpperCase(),
      `--email=other_${username}@contract.example`,
    ]);
    const shown = facts.validationErrorText === 'error-type' ? 'taken' : 'has already been taken';
    const expected = `Failure/Error: account.username\n    ${shown}\n`;
    expect(result.code).toBe(1);
    expect(
      facts.tootctlErrorStream === 'stderr' ? result : { ...result, stdout: result.stderr, stderr: result.stdout },
    ).toEqual({
      code: 1,
      stdout: '',
      stderr: expected,
    });
  });

  it('refuses exactly the reserved names of the table', async () => {
    const reserved = facts.reservedUsernames;
    expect(reserved.known).toBe(true);
    const list = reserved.known ? reserved.value : [];
    for (const candidate of ['admin', 'owner']) {
      await db(shape).query(`DELETE FROM accounts WHERE domain IS NULL AND lower(username) = $1`, [candidate]);
      const result = await tootctl(text, [
        'accounts',
        'create',
        candidate,
        `--email=${candidate}_${STAMP}_${text}@contract.example`,
      ]);
      expect(result.code, `${candidate} on ${text}`).toBe(list.includes(candidate) ? 1 : 0);
      await db(shape).query(`DELETE FROM accounts WHERE domain IS NULL AND lower(username) = $1`, [candidate]);
    }
  });

  it(`${facts.redisNamespace === 'refused' ? 'refuses to boot' : 'boots'} with REDIS_NAMESPACE set`, async () => {
    const result = await tootctl(text, ['version'], { REDIS_NAMESPACE: 'contract' });
    expect(result.code).toBe(facts.redisNamespace === 'refused' ? 1 : 0);
  });

  it("writes the compose file's sidekiq health check and image as the table says", async () => {
    const compose = await run(
      'bash',
      [PROJECT_SH, 'compose-file', `mds22d${text.replace(/\./g, '')}`, '--version', text],
      process.env,
    );
    expect(compose.code, compose.stderr).toBe(0);
    const grep = /grep '\[s\]idekiq\\ ([^']+)'/.exec(compose.stdout)?.[1];
    expect(officialSidekiqGreps(version)).toEqual([grep]);
    expect(compose.stdout).toContain(`image: ghcr.io/mastodon/mastodon:v${text}`);
  });
});
