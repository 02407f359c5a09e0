import { z } from 'zod';

import { BACKUP_FILES, CHECKSUM_FILE, parseBackupName } from '../backups/layout';

/** The files of a backup that may be downloaded: its parts and SHA256SUMS (never backup.json or anything else). */
export const DOWNLOADABLE_FILES = [...Object.values(BACKUP_FILES), CHECKSUM_FILE] as const;

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
      .refine((name) => parseBackupName(name) !== null, 'Not a backup’s name'),
    file: z.enum(DOWNLOADABLE_FILES, { error: 'Not a file of a backup' }),
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
