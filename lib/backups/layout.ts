/**
 * How a backup looks on disk. Each backup is one directory in BACKUP_DIR, named by its start time (UTC) and
 * Mastodon's version, holding its files, SHA256SUMS (`sha256sum -c` reads it) and backup.json (what the page
 * lists). A backup being written lives in a dot-directory and becomes visible only by one rename, so a crash can
 * leave a partial directory but never a listed one.
 */

import type { Text } from '../i18n/text';

export const RECORD_FILE = 'backup.json';
export const CHECKSUM_FILE = 'SHA256SUMS';
export const PARTIAL_PREFIX = '.partial-';

export const BACKUP_FILES = {
  database: 'mastodon.dump',
  env: 'env.production',
  compose: 'docker-compose.yml',
  redis: 'dump.rdb',
} as const;
export type BackupPart = keyof typeof BACKUP_FILES;

const NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z_(v[0-9A-Za-z.+-]+|unknown-version)$/;

/** `2026-12-04T03-30-00Z_v4.3.17`: sorts by time, needs no quoting in a shell, and says what it was taken from. */
export function backupName(startedAt: Date, mastodonVersion: string | null): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  const version = mastodonVersion && /^[0-9A-Za-z.+-]+$/.test(mastodonVersion) ? `v${mastodonVersion}` : null;
  return `${stamp}_${version ?? 'unknown-version'}`;
}

/** The start time a backup's name holds, or null for a name that is not a backup's. */
export function parseBackupName(name: string): { startedAt: Date } | null {
  const match = NAME.exec(name);
  if (!match) return null;
  const startedAt = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`);
  return Number.isNaN(startedAt.getTime()) ? null : { startedAt };
}

export type VerificationState = 'pending' | 'verified' | 'failed' | 'not_verified';

export interface BackupFileRecord {
  part: BackupPart;
  file: string;
  bytes: number;
  sha256: string;
}

export interface BackupRecord {
  format: 1;
  name: string;
  trigger: 'manual' | 'schedule';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  mastodonVersion: string | null;
  files: BackupFileRecord[];
  /** Rows of Mastodon's main tables just before the dump started: what a restore is counted against. */
  liveCountsBeforeDump?: Record<string, number>;
  /** detail: a Text since issue 20; backups written before it hold an English string. */
  verification: { state: VerificationState; detail?: Text | string; at?: string };
}
