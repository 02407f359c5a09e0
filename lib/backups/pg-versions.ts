import { text } from '../i18n/text';
import { AppError } from '../errors';

/**
 * A PostgreSQL major version as its releases name it: `15` from 10 on, `9.6` before. pg_dump's compatibility is by
 * major version (the minor releases of one major share their dump code), so this is all that is compared.
 */
export type PostgresMajor = string;

/** The major of `pg_dump --version` ("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"), or null. */
export function clientMajor(versionOutput: string): PostgresMajor | null {
  const match = /^pg_dump \(PostgreSQL\) (\d+)(?:\.(\d+))?/m.exec(versionOutput.trim());
  if (!match) return null;
  const first = Number(match[1]);
  return first >= 10 ? String(first) : `${first}.${match[2] ?? '0'}`;
}

/** The major of `SHOW server_version_num` (150014 → 15, 90624 → 9.6), or null for something else. */
export function serverMajor(versionNum: string | number): PostgresMajor | null {
  const num = Number(versionNum);
  if (!Number.isInteger(num) || num < 70_000) return null;
  return num >= 100_000
    ? String(Math.floor(num / 10_000))
    : `${Math.floor(num / 10_000)}.${Math.floor(num / 100) % 100}`;
}

/** The Debian package that carries that major's pg_dump (apt.postgresql.org has every supported one). */
function clientPackage(major: PostgresMajor): string {
  return `postgresql-client-${major}`;
}

/**
 * Why a pg_dump of major `client` may not back up a server of major `server`; undefined when it may.
 *
 * Only the same major is accepted. pg_dump refuses a server newer than itself ("aborting because of server version
 * mismatch"). One newer than the server dumps it, but PostgreSQL's contract is that "version M.N can dump from
 * servers of versions <= M.N, but the dump it produces is meant to load into server versions >= M.N" (Tom Lane,
 * pgsql-general, 2007-03-15; the pg_dump reference page says the same: its output is not guaranteed to load into an
 * older major, "not even if the dump was taken from a server of that version"). A backup is restored into the server
 * it came from (the test restore too), and its archive's format can be newer than that server's own pg_restore reads.
 */
export function versionMismatch(client: PostgresMajor, server: PostgresMajor): AppError | undefined {
  if (client === server) return undefined;
  const older = Number(client) < Number(server);
  return new AppError(
    'conflict',
    text('backups.errors.versionMismatch.title'),
    text('backups.errors.versionMismatch.detail', {
      client: String(client),
      server: String(server),
      older: older ? 'yes' : 'no',
    }),
    text('backups.errors.versionMismatch.fix', { server: String(server), package: clientPackage(server) }),
  );
}
