import 'server-only';

import type pg from 'pg';

import { AppError, type ErrorView } from '../errors';
import { postgres } from '../postgres/client';
import { postgresUnavailable, postgresWhere } from '../postgres/errors';
import { text } from '../i18n/text';

/**
 * Mastodon's site-wide `settings` rows: the one reader and writer, shared by every setting the dashboard
 * changes (registrations/, retention/). The shape (thing columns or a unique var) is read from the table
 * itself, so the same code serves every supported release: 4.0–4.3 keep `thing_type`/`thing_id` (site-wide
 * rows have both NULL); 4.4 drops them (mastodon/mastodon v4.4.0 db/post_migrate/
 * 20241205135925_remove_legacy_user_settings_columns.rb) and the unique index is on var alone.
 */

/** `thing-columns` (site-wide rows have thing_type and thing_id NULL) or `var-unique`: version-facts settingsShape. */
export type SettingsSchema = 'thing-columns' | 'var-unique';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Each var's stored text (Rails' YAML); a var without a row is absent. */
export type StoredRows<V extends string> = Partial<Record<V, string>>;

export interface RowWritten<V extends string = string> {
  var: V;
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
      text('errors.settingsTable.title'),
      text('errors.settingsTable.detail', { where: postgresWhere() }),
      text('errors.settingsTable.fix'),
    );
  }
  return row.legacy ? 'thing-columns' : 'var-unique';
}

async function readRows<V extends string>(
  db: Queryable,
  schema: SettingsSchema,
  vars: readonly V[],
): Promise<StoredRows<V>> {
  const siteWide = schema === 'thing-columns' ? ' AND thing_type IS NULL AND thing_id IS NULL' : '';
  // Newest first: should duplicates exist on the old shape, the first row per var wins here.
  const result = await db.query(
    `SELECT var, value FROM settings WHERE var = ANY($1::varchar[])${siteWide} ORDER BY id DESC`,
    [[...vars]],
  );
  const rows: StoredRows<V> = {};
  for (const row of result.rows as { var: V; value: string | null }[]) {
    // A NULL value column is YAML nil, as Rails would read it.
    rows[row.var] ??= row.value ?? '';
  }
  return rows;
}

/** The schema and the site-wide rows of `vars`; a failure is returned as the error the page shows. */
export async function readSiteSettings<V extends string>(
  vars: readonly V[],
): Promise<{ schema: SettingsSchema; rows: StoredRows<V> } | { error: ErrorView }> {
  try {
    const db = postgres();
    const schema = await detectSettingsSchema(db);
    return { schema, rows: await readRows(db, schema, vars) };
  } catch (error) {
    return { error: postgresUnavailable(error).toView() };
  }
}

async function writeSetting<V extends string>(
  db: Queryable,
  schema: SettingsSchema,
  name: V,
  value: string,
): Promise<RowWritten<V>> {
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
 * Writes `writes` (values already in Rails' YAML) in one transaction. `interpret` sees the rows of `vars` as they
 * were inside it and may throw to write nothing (the value changed meanwhile). Every failure is a typed AppError.
 * The Rails cache still holds the old values: the caller deletes them (settings-cache.ts).
 */
export async function writeSiteSettings<V extends string, Before>(
  vars: readonly V[],
  writes: readonly (readonly [V, string])[],
  interpret: (schema: SettingsSchema, rows: StoredRows<V>) => Before,
): Promise<{ schema: SettingsSchema; before: Before; rowsWritten: RowWritten<V>[] }> {
  let client: pg.PoolClient;
  try {
    client = await postgres().connect();
  } catch (error) {
    throw postgresUnavailable(error);
  }
  try {
    await client.query('BEGIN');
    const schema = await detectSettingsSchema(client);
    const before = interpret(schema, await readRows(client, schema, vars));
    const rowsWritten: RowWritten<V>[] = [];
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
