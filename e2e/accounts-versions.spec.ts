import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { expect, test } from '@playwright/test';
import pg from 'pg';

import { startServer, type RunningServer } from '../test/support/server';
import { testbed } from './support/docker';
import { signIn } from './support/session';

/**
 * Account creation with the default form (Owner, confirmed, approved) on the releases issue 16 found the
 * dashboard wrong about: 4.1.9, whose tootctl has no --approve (create, then accounts modify --approve), and 4.2.8
 * with no settings row, where registrations are closed by default. Each runs as its own compose-shaped project on
 * a database of its own, watched by a second server, so no one else's rows or settings move.
 */
const run = promisify(execFile);
const STAMP = Date.now().toString(36).slice(-5);
const DATABASE = `mds22d_e2e_${STAMP}`;
const PG_SOCKET_DIR = '/run/mastodash-testbed';
const TARGETS = [
  { project: 'mds22d41', version: '4.1.9' },
  { project: 'mds22d428', version: '4.2.8' },
] as const;

const databaseUrl = (() => {
  const url = new URL(testbed.pgUrl43);
  url.pathname = `/${DATABASE}`;
  return url.toString();
})();

async function asSuperuser(sql: string): Promise<void> {
  const port = new URL(testbed.pgUrl43).port || '5432';
  await run('runuser', [
    '-u',
    'postgres',
    '--',
    'psql',
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-h',
    PG_SOCKET_DIR,
    '-p',
    port,
    '-d',
    'postgres',
    '-c',
    sql,
  ]);
}

async function projectSh(...args: string[]): Promise<void> {
  await run('bash', ['scripts/testbed/project.sh', ...args], { timeout: 240_000 });
}

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await asSuperuser(`CREATE DATABASE ${DATABASE} OWNER mastodon`);
  // The test bed's schema, roles and people, but no settings rows: registrations_mode falls to the version's default.
  const migrations = readFileSync('scripts/testbed/sql/migration-files.txt', 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, -1)
    .map((file) => file.split('_')[0])
    .join(',');
  await run('psql', [
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-d',
    databaseUrl,
    '-v',
    'local_domain=mds22d.example',
    '-v',
    'shape=43',
    '-v',
    `migrations=${migrations}`,
    '-f',
    'scripts/testbed/sql/schema.sql',
    '-f',
    'scripts/testbed/sql/settings-43.sql',
    '-f',
    'scripts/testbed/sql/seed.sql',
  ]);
  for (const target of TARGETS) {
    await projectSh('up', target.project, '--version', target.version, '--database', DATABASE);
  }
  for (const target of TARGETS) await projectSh('wait-healthy', target.project, '120');
});

test.afterAll(async () => {
  for (const target of TARGETS) await projectSh('down', target.project).catch(() => undefined);
  await asSuperuser(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
});

for (const target of TARGETS) {
  test(`Mastodon ${target.version}: the default form creates an approved Owner`, async ({ browser }) => {
    let server: RunningServer | undefined;
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    try {
      server = await startServer({
        DASHBOARD_PASSWORD: 'versions-e2e-password-long',
        COMPOSE_PROJECT: target.project,
        MASTODON_DIR: path.join(path.dirname(testbed.mastodonDir), target.project),
        DATABASE_URL: databaseUrl,
      });
      await signIn(context, server.dataDir);
      const page = await context.newPage();

      if (target.version === '4.2.8') {
        // No settings row: 4.2.8 closed registrations by default (the backport of #29353), and the dashboard says so.
        await page.goto(`${server.origin}/registrations`);
        await expect(page.getByTestId('registrations-mode')).toHaveAttribute('data-mode', 'none');
        await expect(page.getByTestId('registrations-source')).toHaveText('(default: no setting stored)');
        await expect(page.getByTestId('registrations-effective')).toContainText('Nobody can sign up');
      }

      const username = `v${target.version.replace(/\./g, '')}_${STAMP}`;
      await page.goto(`${server.origin}/accounts`);
      await page.getByTestId('username').fill(username);
      await page.getByTestId('email').fill(`${username}@example.org`);
      await expect(page.getByTestId('approve')).toBeChecked();
      await page.getByTestId('create-account').click();
      await expect(page.getByTestId('generated-password')).toHaveText(/^[0-9a-f]{32}$/, { timeout: 90_000 });
      await expect(page.getByTestId('create-warning')).toHaveCount(0);
      await page.screenshot({ path: `e2e/artifacts/account-created-${target.version}.png`, fullPage: true });

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const result = await client.query<{ approved: boolean; confirmed: boolean; role: string | null }>(
          `SELECT u.approved, u.confirmed_at IS NOT NULL AS confirmed, r.name AS role
             FROM accounts a JOIN users u ON u.account_id = a.id LEFT JOIN user_roles r ON r.id = u.role_id
            WHERE a.username = $1 AND a.domain IS NULL`,
          [username],
        );
        expect(result.rows).toEqual([{ approved: true, confirmed: true, role: 'Owner' }]);
      } finally {
        await client.end();
      }
      await page.close();
    } finally {
      await context.close();
      await server?.stop();
    }
  });
}
