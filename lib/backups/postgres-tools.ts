import 'server-only';

import { PassThrough, type Readable, type Writable } from 'node:stream';

import { execStreaming } from '../docker/exec';
import type { ErrorText } from '../errors';
import { text } from '../i18n/text';
import { pgDumpArgv, pgRestoreArgv } from './pg-commands';

/** How a pg_dump or pg_restore run ended: its exit code and the end of what it wrote to stderr. */
export interface ToolRun {
  exitCode: number;
  stderr: string;
}

/** Mastodon's role and one database of its server: what pg_dump reads, or the scratch database pg_restore fills. */
export interface ToolTarget {
  user: string;
  database: string;
}

/**
 * Where a backup's pg_dump and pg_restore run. Both take the argv of pg-commands.ts and nothing else; only the place
 * differs: the db container of the compose project (containerTools, below), or the dashboard's own side
 * against an external Postgres (lib/backups/host-tools.ts).
 */
export interface PostgresTools {
  /** Said in the progress line: where the programs run. */
  readonly where: ErrorText;
  /** Refuses, before anything is written, a backup these programs cannot take (a missing or mismatched pg_dump). */
  prepare(database: string): Promise<void>;
  /** pg_dump in custom format into `stdout`, with backpressure; `stdout` is not ended. */
  dump(target: ToolTarget, stdout: Writable, timeoutMs: number): Promise<ToolRun>;
  /** pg_restore of the archive read from `stdin` into the scratch database `target.database`. */
  restore(target: ToolTarget, stdin: Readable, timeoutMs: number): Promise<ToolRun>;
}

/**
 * The programs of the db container, streamed through Docker exec (and the socket proxy, which lets through exactly
 * pg-commands.ts's shapes). Its pg_dump always matches its server's major version, so there is nothing to check.
 */
export function containerTools(dbContainerId: string): PostgresTools {
  return {
    where: text('backups.progress.inDbContainer'),
    prepare: async () => undefined,
    dump: (target, stdout, timeoutMs) =>
      execStreaming(dbContainerId, pgDumpArgv(target.user, target.database), { stdout, timeoutMs }),
    restore: (target, stdin, timeoutMs) =>
      execStreaming(dbContainerId, pgRestoreArgv(target.user, target.database), {
        stdin,
        // pg_restore into a database writes nothing on stdout; its output is drained so the exec never stalls.
        stdout: new PassThrough().resume(),
        timeoutMs,
      }),
  };
}
