import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { checkLoginGate, listLoginCounters, recordLoginFailure } from '@/lib/auth/lockout';
import { verifyPassword } from '@/lib/auth/password';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';
import { SERVER_BUNDLE_OPTIONS } from '@/scripts/server-bundle.mjs';

// Builds server/cli.ts the way scripts/build-server.mjs does, and runs it as the admin would.
let buildDir: string;
let cli: string;

beforeAll(async () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  buildDir = mkdtempSync(path.join(tmpdir(), 'mastodash-cli-'));
  cli = path.join(buildDir, 'cli.mjs');
  await build({
    ...SERVER_BUNDLE_OPTIONS,
    entryPoints: [path.join(root, 'server/cli.ts')],
    outfile: cli,
    external: ['better-sqlite3'],
  });
  // better-sqlite3 stays external, as in dist/; let the bundle find the project's copy.
  symlinkSync(path.join(root, 'node_modules'), path.join(buildDir, 'node_modules'));
}, 60_000);

afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'mastodash-cli-data-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function runCli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input: options.input ?? '',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', DATA_DIR: dataDir, ...options.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Opens the CLI's store in this process, as the server would, for the duration of `work`. */
function withServerStore<T>(work: (db: Store) => T): T {
  const db = openStore(dataDir);
  setStoreForTesting(db);
  setConfigForTesting(loadConfig({ env: { DATA_DIR: dataDir } }));
  try {
    return work(db);
  } finally {
    setStoreForTesting(undefined);
    setConfigForTesting(undefined);
    db.close();
  }
}

describe('mastodash CLI', { timeout: 30_000 }, () => {
  it('set-password reads the first line of stdin; status then reports the store as the source', () => {
    const set = runCli(['set-password'], { input: 'correct horse battery staple\nignored second line\n' });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Password saved (scrypt hash) in ${dataDir}/mastodash.sqlite.`);
    expect(set.stdout).toContain('Logins use: store: the hash saved by npm run set-password');
    expect(set.stdout).not.toContain('correct horse');

    const status = runCli(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Admin username: admin');
    expect(status.stdout).toMatch(/^Password source: store: /m);
    expect(status.stdout).toContain('Failed logins: none recorded.');

    withServerStore((db) => {
      expect(db.prepare('SELECT hash FROM admin_password').get()).toEqual({
        hash: expect.stringMatching(/^scrypt\$N=131072,r=8,p=1\$/),
      });
      expect(
        db.prepare("SELECT actor, action, outcome FROM audit_log WHERE action = 'auth.password_set'").all(),
      ).toEqual([{ actor: 'cli', action: 'auth.password_set', outcome: 'succeeded' }]);
    });
  });

  it('hash-password prints a hash that DASHBOARD_PASSWORD_FILE accepts, and stores nothing', async () => {
    const printed = runCli(['hash-password'], { input: 'a file based passphrase\n' });
    expect(printed.code).toBe(0);
    const hash = printed.stdout.trim();
    expect(hash).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
    await expect(verifyPassword('a file based passphrase', hash)).resolves.toBe(true);
    const file = path.join(dataDir, 'password-file');
    writeFileSync(file, `${hash}\n`);
    const status = runCli(['status'], { env: { DASHBOARD_PASSWORD_FILE: file } });
    expect(status.stdout).toMatch(/file: /);
    expect(runCli(['status']).stdout).not.toMatch(/store:/);
  });

  it('set-password refuses a short password and changes nothing', () => {
    const set = runCli(['set-password'], { input: 'short\n' });
    expect(set.code).toBe(1);
    expect(set.stderr).toContain('The password must be at least 12 characters; nothing was changed.');
    expect(runCli(['status']).stdout).toMatch(/^Password source: none: /m);
  });

  it('set-password warns when DASHBOARD_PASSWORD wins over the stored password', () => {
    const set = runCli(['set-password'], {
      input: 'correct horse battery staple\n',
      env: { DASHBOARD_PASSWORD: 'the environment one' },
    });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain(
      'warning: DASHBOARD_PASSWORD is set here, so logins use it and not the password just saved.',
    );
    expect(set.stdout).toContain('Logins use: env: DASHBOARD_PASSWORD');
    expect(set.stdout + set.stderr).not.toContain('the environment one');
  });

  it('unlock clears a lock made by failed logins', () => {
    withServerStore(() => {
      for (let i = 0; i < 10; i++) recordLoginFailure(i % 2 ? 'Admin' : 'admin');
      expect(checkLoginGate('admin')).toMatchObject({ allowed: false, reason: 'locked', scope: 'user' });
    });
    expect(runCli(['status']).stdout).toMatch(
      /^Failed logins, user:admin: 10 failed attempt\(s\), last at .*, LOCKED since /m,
    );

    const unlock = runCli(['unlock']);
    expect(unlock.code).toBe(0);
    expect(unlock.stdout).toMatch(/^Cleared global: 10 failed attempt\(s\)/m);
    expect(unlock.stdout).toMatch(/^Cleared user:admin: 10 failed attempt\(s\), .*LOCKED/m);

    withServerStore((db) => {
      expect(checkLoginGate('admin')).toEqual({ allowed: true });
      expect(listLoginCounters()).toEqual([]);
      expect(db.prepare("SELECT actor, target, outcome FROM audit_log WHERE action = 'auth.unlocked'").all()).toEqual([
        { actor: 'cli', target: 'admin', outcome: 'succeeded' },
      ]);
    });
    expect(runCli(['unlock', 'ADMIN']).stdout).toContain('Nothing to clear: no failed logins are recorded for admin.');
  });

  it('unlock --all clears every username', () => {
    withServerStore(() => ['alice', 'bob', 'carol'].forEach((name) => recordLoginFailure(name)));
    const unlock = runCli(['unlock', '--all']);
    expect(unlock.code).toBe(0);
    expect(unlock.stdout.match(/^Cleared /gm)).toHaveLength(4);
    withServerStore(() => expect(listLoginCounters()).toEqual([]));
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['unlock', 'alice', 'bob']],
    [['unlock', 'alice', '--all']],
    [['unlock', '--force']],
    [['status', 'extra']],
    [['set-password', 'hunter2hunter2']],
  ])('exits 2 with the usage for %j', (args) => {
    const result = runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*\n\nUsage: node dist\/cli\.mjs <command>/);
  });

  it('help exits 0', () => {
    const result = runCli(['help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('set-password');
  });

  it('exits 78 with the message on a configuration error', () => {
    const result = runCli(['status'], { env: { DASHBOARD_USER: 'not a valid name!' } });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DASHBOARD_USER: must be 1 to 64 letters');
  });

  it('names an unreadable DASHBOARD_PASSWORD_FILE, and warns that it wins over set-password', () => {
    const missing = path.join(dataDir, 'no-such-file');
    const status = runCli(['status'], { env: { DASHBOARD_PASSWORD_FILE: missing } });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `Password source: file: DASHBOARD_PASSWORD_FILE ${missing} cannot be read (ENOENT)`,
    );
    const set = runCli(['set-password'], {
      input: 'correct horse battery staple\n',
      env: { DASHBOARD_PASSWORD_FILE: missing },
    });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('warning: DASHBOARD_PASSWORD_FILE is set here, so logins use it');
    expect(set.stdout).toContain(`Logins use: file: DASHBOARD_PASSWORD_FILE ${missing} cannot be read (ENOENT)`);
  });
});
