import 'server-only';

import pg from 'pg';

import { getConfig } from '../config';
import { dropProcessSingleton, existingProcessSingleton, processSingleton } from '../process/singleton';

/**
 * One small pool to Mastodon's database, created lazily from .env.production's settings. Every query
 * has a statement timeout, so a blocked query fails its panel instead of holding a connection.
 */
export function postgres(): pg.Pool {
  return processSingleton('postgres.pool', () => {
    const target = getConfig().mastodon.postgres;
    const pool = new pg.Pool({
      ...(target.connectionString
        ? { connectionString: target.connectionString }
        : {
            host: target.host,
            port: target.port,
            database: target.database,
            user: target.user,
            password: target.password,
          }),
      max: 4,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 5_000,
      query_timeout: 6_000,
      application_name: 'mastodash',
    });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    pool.on('error', (error) => console.error('[postgres] idle client error:', error.message));
    return pool;
  });
}

/** For tests: drop the pool so the next call builds one from the current configuration. */
export async function resetPostgresForTesting(): Promise<void> {
  const pool = existingProcessSingleton<pg.Pool>('postgres.pool');
  dropProcessSingleton('postgres.pool');
  await pool?.end();
}

/**
 * One connection, as the dashboard's role, to another database of Mastodon's server (a backup's scratch
 * database, or the live one for long counts outside the pool's statement timeout). The caller ends it.
 */
export async function connectToDatabase(database: string): Promise<pg.Client> {
  const target = getConfig().mastodon.postgres;
  let settings: pg.ClientConfig;
  if (target.connectionString) {
    const url = new URL(target.connectionString);
    url.pathname = `/${encodeURIComponent(database)}`;
    settings = { connectionString: url.toString() };
  } else {
    settings = { host: target.host, port: target.port, user: target.user, password: target.password, database };
  }
  const client = new pg.Client({ ...settings, connectionTimeoutMillis: 5_000, application_name: 'mastodash' });
  // A connection that drops between queries must not crash the process; the query in flight fails instead.
  client.on('error', (error) => console.error('[postgres] connection error:', error.message));
  await client.connect();
  return client;
}
