import 'server-only';

import type pg from 'pg';

import { postgres } from '../../postgres/client';
import { postgresUnavailable } from '../../postgres/errors';

/** The size of Mastodon's database, as Postgres counts it (pg_database_size). */

export interface DatabaseSize {
  name: string;
  bytes: number;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function readDatabaseSize(db: Queryable = postgres()): Promise<DatabaseSize> {
  try {
    const result = await db.query('SELECT current_database() AS name, pg_database_size(current_database()) AS bytes');
    const row = result.rows[0] as { name: string; bytes: string | number };
    return { name: row.name, bytes: Number(row.bytes) };
  } catch (error) {
    throw postgresUnavailable(error);
  }
}
