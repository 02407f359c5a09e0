import 'server-only';

import type pg from 'pg';

import { AppError, type ErrorView } from '../../errors';
import { postgres } from '../../postgres/client';
import { postgresUnavailable, postgresWhere } from '../../postgres/errors';
import { REGISTRATION_VARS, type RegistrationSettings, type RegistrationVar, type SettingsSchema } from './settings';

/**
 * The registration rows in Mastodon's `settings` table. The shape (thing columns or a unique var) is read from
 * the table itself, so the same code serves every supported release.
 */

type Queryable = Pick<pg.PoolClient, 'query'>;

export type StoredRows = Partial<Record<RegistrationVar, string>>;

export interface RowWritten {
  var: RegistrationVar;
  value: string;
  how: 'updated' | 'inserted';
  rows: number;
}

export async function detectSettingsSchema(db: Queryable): Promise<SettingsSchema> {
  // The catalog, not information_schema (its views cost about 3 ms here, the catalog 0.2 ms); to_regclass
  // resolves the name through the search_path exactly as the unqualified reads and writes below do.
  const result = await db.query(
    `SELECT to_regclass('settings') IS NOT NULL AS present,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('settings') AND attname = 'thing_type'
                    AND NOT attisdropped) AS legacy`,
  );
  const row = result.rows[0] as { legacy: boolean; present: boolean };
  if (!row.present) {
    throw new AppError(
      'postgres_refused',
      'No settings table',
      `${postgresWhere()} has no settings table; is DB_NAME Mastodon's database?`,
      'Check DB_NAME, and that migrations have run (RAILS_ENV=production bin/rails db:migrate).',
    );
  }
  return row.legacy ? 'thing-columns' : 'var-unique';
}

async function readRows(db: Queryable, schema: SettingsSchema): Promise<StoredRows> {
  const siteWide = schema === 'thing-columns' ? ' AND thing_type IS NULL AND thing_id IS NULL' : '';
  // Newest first: should duplicates exist on the old shape, the first row per var wins here.
  const result = await db.query(
    `SELECT var, value FROM settings WHERE var = ANY($1::varchar[])${siteWide} ORDER BY id DESC`,
    [[...REGISTRATION_VARS]],
  );
  const rows: StoredRows = {};
  for (const row of result.rows as { var: RegistrationVar; value: string | null }[]) {
    // A NULL value column is YAML nil, as Rails would read it.
    rows[row.var] ??= row.value ?? '';
  }
  return rows;
}

/** The schema and the site-wide rows; a failure is returned as the error the page shows. */
export async function readStoredRows(): Promise<{ schema: SettingsSchema; rows: StoredRows } | { error: ErrorView }> {
  try {
    const db = postgres();
    const schema = await detectSettingsSchema(db);
    return { schema, rows: await readRows(db, schema) };
  } catch (error) {
    return { error: postgresUnavailable(error).toView() };
  }
}

async function writeSetting(
  db: Queryable,
  schema: SettingsSchema,
  name: RegistrationVar,
  value: string,
): Promise<RowWritten> {
  if (schema === 'var-unique') {
    // var-unique: one row per var, guaranteed by index_settings_on_var. xmax = 0 only on a freshly inserted row.
    const result = await db.query(
      `INSERT INTO settings (var, value, created_at, updated_at) VALUES ($1, $2, now(), now())
       ON CONFLICT (var) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [name, value],
    );
    const inserted = (result.rows[0] as { inserted: boolean }).inserted;
    return { var: name, value, how: inserted ? 'inserted' : 'updated', rows: result.rowCount ?? 1 };
  }
  // thing-columns: NULLs are distinct in (thing_type, thing_id, var), so ON CONFLICT never fires; update, then insert.
  const updated = await db.query(
    `UPDATE settings SET value = $2, updated_at = now() WHERE var = $1 AND thing_type IS NULL AND thing_id IS NULL`,
    [name, value],
  );
  if ((updated.rowCount ?? 0) > 0) return { var: name, value, how: 'updated', rows: updated.rowCount ?? 0 };
  const inserted = await db.query(
    `INSERT INTO settings (var, value, thing_type, thing_id, created_at, updated_at)
     VALUES ($1, $2, NULL, NULL, now(), now())`,
    [name, value],
  );
  return { var: name, value, how: 'inserted', rows: inserted.rowCount ?? 1 };
}

/**
 * Writes `writes` (values already in Rails' YAML) in one transaction. `interpret` sees the rows as they were
 * inside it and may throw to write nothing (the mode changed meanwhile). Every failure is a typed AppError.
 */
export async function writeStoredRows(
  writes: readonly (readonly [RegistrationVar, string])[],
  interpret: (schema: SettingsSchema, rows: StoredRows) => RegistrationSettings,
): Promise<{ schema: SettingsSchema; before: RegistrationSettings; rowsWritten: RowWritten[] }> {
  let client: pg.PoolClient;
  try {
    client = await postgres().connect();
  } catch (error) {
    throw postgresUnavailable(error);
  }
  try {
    await client.query('BEGIN');
    const schema = await detectSettingsSchema(client);
    const before = interpret(schema, await readRows(client, schema));
    const rowsWritten: RowWritten[] = [];
    for (const [name, value] of writes) rowsWritten.push(await writeSetting(client, schema, name, value));
    await client.query('COMMIT');
    return { schema, before, rowsWritten };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw postgresUnavailable(error);
  } finally {
    client.release();
  }
}
