import 'server-only';

import type { ErrorView } from '../../errors';
import {
  readSiteSettings,
  writeSiteSettings,
  type RowWritten as SettingRowWritten,
  type StoredRows as Rows,
} from '../settings-table';
import { REGISTRATION_VARS, type RegistrationSettings, type RegistrationVar, type SettingsSchema } from './settings';

/** The registration rows in Mastodon's `settings` table, through the shared reader and writer (settings-table.ts). */

export type StoredRows = Rows<RegistrationVar>;
export type RowWritten = SettingRowWritten<RegistrationVar>;

/** The schema and the site-wide rows; a failure is returned as the error the page shows. */
export function readStoredRows(): Promise<{ schema: SettingsSchema; rows: StoredRows } | { error: ErrorView }> {
  return readSiteSettings(REGISTRATION_VARS);
}

/**
 * Writes `writes` (values already in Rails' YAML) in one transaction. `interpret` sees the rows as they were
 * inside it and may throw to write nothing (the mode changed meanwhile). Every failure is a typed AppError.
 */
export function writeStoredRows(
  writes: readonly (readonly [RegistrationVar, string])[],
  interpret: (schema: SettingsSchema, rows: StoredRows) => RegistrationSettings,
): Promise<{ schema: SettingsSchema; before: RegistrationSettings; rowsWritten: RowWritten[] }> {
  return writeSiteSettings(REGISTRATION_VARS, writes, interpret);
}
