import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/** What ruby-progressbar prints for a finished bar on a stdout that is not a terminal (see the stand-in). */
const FULL_BAR = `Progress: |${'='.repeat(68)}|\n`;
const DAY_MS = 86_400_000;

/** A media folder of its own per test: files of `bytes` bytes, `ageDays` old (mtime). */
function mediaFolder(files: Record<string, { bytes: number; ageDays: number }>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'mastodash-media-contract-'));
  for (const [relative, { bytes, ageDays }] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.alloc(bytes, 1));
    const at = new Date(Date.now() - ageDays * DAY_MS);
    utimesSync(file, at, at);
  }
  return root;
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

  describe('media cleanup (lib/mastodon/cli/media.rb, preview_cards.rb)', () => {
    const roots: string[] = [];
    const folder = (files: Parameters<typeof mediaFolder>[0]) => {
      const root = mediaFolder(files);
      roots.push(root);
      return root;
    };
    afterAll(() => {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    });
    const errorStreams = (result: RunResult) =>
      facts.tootctlErrorStream === 'stderr' ? result : { ...result, stdout: result.stderr, stderr: result.stdout };

    // Two remote attachments older than 7 days (original, small and thumbnail: 5000 bytes), one from yesterday.
    const REMOTE = {
      'cache/media_attachments/files/109/000/000/000/000/001/original/a.png': { bytes: 3000, ageDays: 10 },
      'cache/media_attachments/files/109/000/000/000/000/001/small/a.png': { bytes: 1000, ageDays: 10 },
      'cache/media_attachments/thumbnails/109/000/000/000/000/001/original/a.jpg': { bytes: 400, ageDays: 10 },
      'cache/media_attachments/files/109/000/000/000/000/002/original/b.png': { bytes: 600, ageDays: 30 },
      'cache/media_attachments/files/109/000/000/000/000/003/original/c.png': { bytes: 999, ageDays: 1 },
    };

    it('media remove: the dry run announces what the run then deletes, in this release’s words', async () => {
      const root = folder(REMOTE);
      const env = { PAPERCLIP_ROOT_PATH: root };
      // 4.0 prints "(approx. X) #{dry_run}", later releases "(approx. X)#{dry_run_mode_suffix}".
      const line = (suffix: boolean) =>
        facts.mediaRemoveOptions.includes('prune-profiles')
          ? `Removed 2 media attachments (approx. 4.88 KB)${suffix ? ' (DRY RUN)' : ''}\n`
          : `Removed 2 media attachments (approx. 4.88 KB) ${suffix ? '(DRY RUN)' : ''}\n`;
      expect(await tootctl(text, ['media', 'remove', '--days=7', '--dry-run'], env)).toEqual({
        code: 0,
        stdout: FULL_BAR + line(true),
        stderr: '',
      });
      for (const file of Object.keys(REMOTE)) expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(await tootctl(text, ['media', 'remove', '--days=7'], env)).toEqual({
        code: 0,
        stdout: FULL_BAR + line(false),
        stderr: '',
      });
      const left = Object.keys(REMOTE).filter((file) => existsSync(path.join(root, file)));
      expect(left).toEqual(['cache/media_attachments/files/109/000/000/000/000/003/original/c.png']);
      // The emptied id folders go too.
      expect(existsSync(path.join(root, 'cache/media_attachments/files/109/000/000/000/000/001'))).toBe(false);
    });

    it.each(['prune-profiles', 'verbose'] as const)(
      'media remove --%s is an option where the table says so',
      async (option) => {
        const root = folder(REMOTE);
        const result = await tootctl(text, ['media', 'remove', `--${option}`, '--dry-run'], {
          PAPERCLIP_ROOT_PATH: root,
        });
        if (facts.mediaRemoveOptions.includes(option)) {
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout).toMatch(/(Visited 0 accounts|Processing 109000000000000001)/);
        } else {
          expect(result).toEqual({
            code: 1,
            stdout: '',
            stderr: `ERROR: "tootctl media remove" was called with arguments ["--${option}"]\nUsage: "tootctl media remove"\n`,
          });
        }
      },
    );

    it('media remove --prune-profiles: avatars and headers of accounts unseen for N days, where there are options for it', async () => {
      if (!facts.mediaRemoveOptions.includes('remove-headers')) {
        for (const option of ['--remove-headers', '--include-follows']) {
          expect(await tootctl(text, ['media', 'remove', option, '--dry-run'])).toEqual({
            code: 1,
            stdout: '',
            stderr: `ERROR: "tootctl media remove" was called with arguments ["${option}"]\nUsage: "tootctl media remove"\n`,
          });
        }
        return;
      }
      const root = folder({
        'cache/accounts/avatars/000/000/005/original/x.png': { bytes: 700, ageDays: 10 },
        'cache/accounts/headers/000/000/005/original/y.png': { bytes: 900, ageDays: 10 },
        'cache/accounts/avatars/000/000/006/original/z.png': { bytes: 800, ageDays: 2 },
      });
      const env = { PAPERCLIP_ROOT_PATH: root };
      expect(await tootctl(text, ['media', 'remove', '--remove-headers', '--days=7'], env)).toEqual({
        code: 0,
        stdout: `${FULL_BAR}Visited 1 accounts and removed profile media totaling 900 Bytes\n`,
        stderr: '',
      });
      expect(await tootctl(text, ['media', 'remove', '--prune-profiles', '--days=7', '--dry-run'], env)).toEqual({
        code: 0,
        stdout: `${FULL_BAR}Visited 1 accounts and removed profile media totaling 700 Bytes (DRY RUN)\n`,
        stderr: '',
      });
      const both = await tootctl(text, ['media', 'remove', '--prune-profiles', '--remove-headers'], env);
      expect(errorStreams(both)).toEqual({
        code: 1,
        stdout: '',
        stderr: '--prune-profiles and --remove-headers should not be specified simultaneously\n',
      });
      const follows = await tootctl(text, ['media', 'remove', '--include-follows'], env);
      expect(errorStreams(follows)).toEqual({
        code: 1,
        stdout: '',
        stderr: '--include-follows can only be used with --prune-profiles or --remove-headers\n',
      });
    });

    it('media remove: Thor answers a bad --days', async () => {
      expect(await tootctl(text, ['media', 'remove', '--days=soon'])).toEqual({
        code: 1,
        stdout: '',
        stderr: `Expected numeric value for '--days'; got "soon"\n`,
      });
      expect(await tootctl(text, ['media', 'remove', '--days', '--dry-run'])).toEqual({
        code: 1,
        stdout: '',
        stderr: `No value provided for option '--days'\n`,
      });
    });

    it('preview_cards remove: 180 days unless told, with --link in the words', async () => {
      const root = folder({
        'preview_cards/images/000/000/007/original/c.png': { bytes: 2000, ageDays: 200 },
        'preview_cards/images/000/000/008/original/d.png': { bytes: 3000, ageDays: 20 },
      });
      const env = { PAPERCLIP_ROOT_PATH: root };
      expect(await tootctl(text, ['preview_cards', 'remove', '--dry-run'], env)).toEqual({
        code: 0,
        stdout: `${FULL_BAR}Removed 1 preview cards (approx. 1.95 KB) (DRY RUN)\n`,
        stderr: '',
      });
      expect(await tootctl(text, ['preview_cards', 'remove', '--days=14', '--link'], env)).toEqual({
        code: 0,
        stdout: `${FULL_BAR}Removed 2 link-type preview cards (approx. 4.88 KB)\n`,
        stderr: '',
      });
      expect(existsSync(path.join(root, 'preview_cards/images/000/000/008/original/d.png'))).toBe(false);
    });

    it('media remove-orphans: files of no record go, as this release logs them', async () => {
      const id = 4200 + VERSIONS.indexOf(text);
      const partition = `000/00${String(id).slice(0, 1)}/${String(id).slice(1)}`;
      await db(shape).query(
        `INSERT INTO media_attachments (id, file_file_name, file_file_size, created_at, updated_at)
         VALUES ($1, 'kept.png', 500, now(), now()) ON CONFLICT (id) DO NOTHING`,
        [id],
      );
      const root = folder({
        'cache/media_attachments/files/000/009/998/original/c.png': { bytes: 100, ageDays: 0 },
        'foo/bar/000/000/001/original/x.png': { bytes: 50, ageDays: 0 },
        [`media_attachments/files/${partition}/original/kept.png`]: { bytes: 500, ageDays: 0 },
        [`media_attachments/files/${partition}/original/stray.png`]: { bytes: 200, ageDays: 0 },
        'media_attachments/files/000/009/999/original/gone.png': { bytes: 300, ageDays: 0 },
        'odd/file.txt': { bytes: 10, ageDays: 0 },
      });
      const env = { PAPERCLIP_ROOT_PATH: root };
      // From 4.4 (orphaned_file? in v4.4.4 lib/mastodon/cli/media.rb) every file advances the bar, and a file of
      // another model is logged with its full path; up to 4.3 it is skipped silently. Not a fact lib/ decides on.
      const from44 = Number(text.split('.')[1]) >= 4;
      const log = (line: string) => `\n${line}\nProgress: |`;
      const orphans = [
        'cache/media_attachments/files/000/009/998/original/c.png',
        `media_attachments/files/${partition}/original/stray.png`,
        'media_attachments/files/000/009/999/original/gone.png',
      ];
      const expected = (dryRun: boolean) =>
        'Progress: |' +
        log(`Found and removed orphan: ${orphans[0]}`) +
        (from44 ? log(`Unrecognized file found: ${root}/foo/bar/000/000/001/original/x.png`) : '') +
        log(`Found and removed orphan: ${orphans[1]}`) +
        log(`Found and removed orphan: ${orphans[2]}`) +
        log(`Unrecognized file found: ${from44 ? `${root}/` : ''}odd/file.txt`) +
        `${'='.repeat(68)}|\nRemoved 3 orphans (approx. 600 Bytes)${dryRun ? ' (DRY RUN)' : ''}\n`;
      expect(await tootctl(text, ['media', 'remove-orphans', '--dry-run'], env)).toEqual({
        code: 0,
        stdout: expected(true),
        stderr: '',
      });
      for (const file of orphans) expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(await tootctl(text, ['media', 'remove-orphans'], env)).toEqual({
        code: 0,
        stdout: expected(false),
        stderr: '',
      });
      for (const file of orphans) expect(existsSync(path.join(root, file)), file).toBe(false);
      expect(existsSync(path.join(root, `media_attachments/files/${partition}/original/kept.png`))).toBe(true);
    });
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
