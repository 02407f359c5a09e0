import type { ExecArgv } from '../docker/exec-programs';

/**
 * The two Postgres programs a backup runs in the db container, in the one shape the socket proxy lets through
 * (lib/docker/exec-programs.ts): pg_dump writes the custom format to stdout; pg_restore reads it on stdin into a
 * scratch database, owned by whoever restores it (--no-owner, --no-privileges), and stops at the first error.
 */
export function pgDumpArgv(username: string, database: string): ExecArgv {
  return ['pg_dump', '--format=custom', '--no-password', `--username=${username}`, `--dbname=${database}`];
}

export function pgRestoreArgv(username: string, scratchDatabase: string): ExecArgv {
  return [
    'pg_restore',
    '--no-password',
    '--no-owner',
    '--no-privileges',
    '--exit-on-error',
    `--username=${username}`,
    `--dbname=${scratchDatabase}`,
  ];
}

/** `mastodash_verify_20261204t033000`: the scratch database of a verification started at that UTC time. */
export function scratchDatabaseName(startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:]/g, '')
    .toLowerCase();
  return `mastodash_verify_${stamp}`;
}
