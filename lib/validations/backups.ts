import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

/**
 * The files of a backup that may be downloaded: its parts and SHA256SUMS (never backup.json or anything else), and
 * the shape of a backup's name. Both as lib/backups/layout.ts names them (a unit test holds them equal); written out
 * here because lib/backups imports this folder, not the other way round.
 */
export const DOWNLOADABLE_FILES = [
  'mastodon.dump',
  'env.production',
  'docker-compose.yml',
  'dump.rdb',
  'SHA256SUMS',
] as const;
export const BACKUP_NAME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z_(v[0-9A-Za-z.+-]+|unknown-version)$/;

/**
 * One file of one backup, as a download link or the password prompt names it. The name must be a backup's name
 * (no slash, no dot-dot: lib/backups/layout.ts) and the file one of the fixed names; the route then checks that the
 * backup's own record lists it.
 */
export const backupFileSchema = z
  .object({
    backup: z
      .string()
      .max(100)
      .regex(BACKUP_NAME_PATTERN, encodeText(text('backups.fields.backupName'))),
    file: z.enum(DOWNLOADABLE_FILES, { error: encodeText(text('backups.fields.file')) }),
  })
  .strict();

export type BackupFileInput = z.infer<typeof backupFileSchema>;

/** Where a backup's file is downloaded from (app/backups/[name]/[file]/route.ts). */
export function backupFileHref(input: { backup: string; file: string }): string {
  return `/backups/${encodeURIComponent(input.backup)}/${encodeURIComponent(input.file)}`;
}

/** The password prompt before a download, when the login is not recent (app/backups/confirm/page.tsx). */
export function confirmDownloadHref(input: { backup: string; file: string }): string {
  return `/backups/confirm?${new URLSearchParams({ backup: input.backup, file: input.file }).toString()}`;
}
