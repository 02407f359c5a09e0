import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A Mastodon database of a test's own on the test bed's Postgres, made exactly as scripts/testbed/seed/postgres.sh
 * makes mastodon_43 and mastodon_44 (schema, settings shape, seed), so that a test that writes settings rows never
 * disturbs the suites reading the shared ones. Created through the superuser's socket (root only), owned by the
 * `mastodon` role, whose URL the dashboard and `project.sh up NAME --database DB` use.
 */

const SQL_DIR = path.resolve(__dirname, '../../scripts/testbed/sql');
const SOCKET_DIR = '/run/mastodash-testbed';
const PORT = '55432';

function psql(database: string, args: string[], input: string): void {
  execFileSync(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', SOCKET_DIR, '-p', PORT, '-U', 'postgres', '-d', database, ...args],
    {
      input,
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
}

/** The migrations postgres.sh records as applied: every file of migration-files.txt but the last. */
function appliedMigrations(): string {
  const files = readFileSync(path.join(SQL_DIR, 'migration-files.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return files
    .slice(0, -1)
    .map((file) => file.split('_')[0])
    .join(',');
}

/** (Re)creates `name` (a plain identifier) with the given settings shape and the test bed's seed. */
export function createOwnMastodonDatabase(name: string, shape: '43' | '44'): void {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  psql(
    'postgres',
    [],
    `SET client_min_messages = warning;\nDROP DATABASE IF EXISTS ${name} WITH (FORCE);\n` +
      `CREATE DATABASE ${name} OWNER mastodon ENCODING 'UTF8' TEMPLATE template0;\n`,
  );
  const files = ['schema.sql', `settings-${shape}.sql`, 'seed.sql', `seed-settings-${shape}.sql`];
  const script = ['SET ROLE mastodon;', ...files.map((file) => readFileSync(path.join(SQL_DIR, file), 'utf8'))].join(
    '\n',
  );
  psql(
    name,
    ['-v', 'local_domain=mdtest.example', '-v', `shape=${shape}`, '-v', `migrations=${appliedMigrations()}`],
    script,
  );
}

export function dropOwnMastodonDatabase(name: string): void {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  psql('postgres', [], `SET client_min_messages = warning;\nDROP DATABASE IF EXISTS ${name} WITH (FORCE);\n`);
}

/** The `mastodon` role's URL for `name`, from the shared database's URL in testbed.env. */
export function ownDatabaseUrl(sharedUrl: string, name: string): string {
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
