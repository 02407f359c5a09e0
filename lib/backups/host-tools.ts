import 'server-only';

import { spawn } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type pg from 'pg';

import type { PostgresTarget } from '../config';
import { execCommandRefusal, type ExecArgv } from '../docker/exec-programs';
import { text } from '../i18n/text';
import { AppError } from '../errors';
import { pgDumpArgv, pgRestoreArgv } from './pg-commands';
import { clientMajor, serverMajor, versionMismatch } from './pg-versions';
import type { PostgresTools, ToolRun } from './postgres-tools';

const MAX_STDERR_BYTES = 64 * 1024;
/** After SIGTERM at the timeout, how long pg_dump has to cancel its query before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * The environment of a host-side pg_dump or pg_restore: where the server is and the password, as libpq reads them
 * (PGHOST, PGPORT, PGPASSWORD, PGSSLMODE), so that no secret is ever in an argv (which `ps` shows to every user)
 * and the argv keeps pg-commands.ts's shape. Nothing else of the dashboard's environment is passed on.
 */
export function libpqEnvironment(target: PostgresTarget, path: string | undefined): Record<string, string> {
  let host = target.host;
  let port = String(target.port);
  let password = target.password;
  let sslMode = target.sslMode;
  if (target.connectionString) {
    // DATABASE_URL wins, as in Rails; its query's sslmode wins over DB_SSLMODE as Rails merges the two.
    const url = new URL(target.connectionString);
    const query = url.searchParams;
    host = query.get('host') ?? (decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1') || 'localhost');
    port = query.get('port') ?? (url.port || '5432');
    password = url.password ? decodeURIComponent(url.password) : (query.get('password') ?? undefined);
    sslMode = query.get('sslmode') ?? sslMode;
  }
  return {
    ...(path !== undefined ? { PATH: path } : {}),
    PGHOST: host,
    PGPORT: port,
    ...(password ? { PGPASSWORD: password } : {}),
    // Mastodon's config/database.yml (v4.3.17): sslmode DB_SSLMODE || "prefer", which is libpq's default too.
    ...(sslMode ? { PGSSLMODE: sslMode } : {}),
    PGAPPNAME: 'mastodash',
    PGCONNECT_TIMEOUT: '15',
    // pg_dump's messages in English, whatever the host's locale: they are shown as the failure's reason.
    LC_ALL: 'C',
  };
}

export interface HostToolsDeps {
  /** `pg_dump --version`'s output (injected by tests). */
  clientVersion?: () => Promise<string>;
  /** A connection to a database of the server, as the dashboard's role (lib/postgres), to ask its version. */
  connect: (database: string) => Promise<pg.Client>;
  /** PATH the programs are looked up in; default: the dashboard's. */
  path?: string;
}

/** Next's types make NODE_ENV a required key of every process environment; pg_dump is no Node program. */
function childEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  return env as unknown as NodeJS.ProcessEnv;
}

function missingProgram(program: string): AppError {
  return new AppError(
    'not_found',
    text('backups.errors.programMissing.title', { program }),
    text('backups.errors.programMissing.detail', { program }),
    text('backups.errors.programMissing.fix'),
  );
}

interface RunOptions {
  env: Record<string, string>;
  stdout: Writable;
  stdin?: Readable;
  timeoutMs: number;
}

/** Waits until `stream` takes writes again; fails when it errs or is closed (its file failed) instead. */
function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('the output was closed before the program finished'));
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      stream.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => finish();
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error('the output was closed before the program finished'));
    stream.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

/**
 * Runs one program of the allow-list without a shell: stdout written to `options.stdout` with backpressure (the
 * child's pipe waits while the writer is full), stdin fed from a file, stderr's end kept, and past the timeout the
 * child killed and the run failed with what it was waiting for.
 */
export function runProgram(argv: ExecArgv, options: RunOptions): Promise<ToolRun> {
  const refusal = execCommandRefusal(argv, undefined);
  if (refusal !== undefined) {
    return Promise.reject(
      new AppError(
        'invalid_input',
        text('backups.errors.commandRefused.title'),
        text('backups.errors.commandRefused.detail', { program: argv[0], refusal }),
      ),
    );
  }
  const [program, ...args] = argv;
  return new Promise<ToolRun>((resolve, reject) => {
    const child = spawn(program, args, { env: childEnvironment(options.env), stdio: 'pipe', shell: false });
    let stderr = Buffer.alloc(0);
    let failure: unknown;
    let killer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]).subarray(-MAX_STDERR_BYTES);
    });
    const output = (async () => {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        if (!options.stdout.write(chunk)) await drained(options.stdout);
      }
    })().catch((error: unknown) => {
      // The writer failed (a full disk): stop the program, and report the writer's error.
      failure ??= error;
      child.kill('SIGTERM');
    });
    const input = options.stdin
      ? pipeline(options.stdin, child.stdin).catch((error: unknown) => {
          // pg_restore stops reading when it exits on an error: its exit code says why, not the broken pipe.
          if ((error as NodeJS.ErrnoException).code !== 'EPIPE') failure ??= error;
        })
      : Promise.resolve(child.stdin.end());
    const timer = setTimeout(() => {
      failure ??= new AppError(
        'timeout',
        text('backups.errors.programTimeout.title', { program }),
        text('backups.errors.programTimeout.detail', {
          program,
          seconds: String(Math.round(options.timeoutMs / 1000)),
        }),
      );
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? missingProgram(program) : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      void Promise.all([output, input]).then(() => {
        if (failure !== undefined) reject(failure);
        else resolve({ exitCode: code ?? -1, stderr: stderr.toString('utf8') });
      });
    });
  });
}

/** Runs `pg_dump --version` (no server involved) and answers its output. */
async function pgDumpVersion(path: string | undefined): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('pg_dump', ['--version'], {
      env: childEnvironment({ ...(path !== undefined ? { PATH: path } : {}), LC_ALL: 'C' }),
      stdio: 'pipe',
      timeout: 10_000,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? missingProgram('pg_dump') : error),
    );
    child.on('close', () => resolve(out));
  });
}

async function serverVersionNum(connect: HostToolsDeps['connect'], database: string): Promise<string> {
  const client = await connect(database);
  try {
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return rows[0]?.server_version_num ?? '';
  } finally {
    await client.end();
  }
}

/**
 * pg_dump and pg_restore from the dashboard's PATH, against the external Postgres that .env.production names: for a
 * deployment whose compose project has no db service. Before a dump, the client's major version is compared with
 * the server's (lib/backups/pg-versions.ts).
 */
export function hostTools(target: PostgresTarget, deps: HostToolsDeps): PostgresTools {
  const path = deps.path ?? process.env.PATH;
  const env = libpqEnvironment(target, path);
  const readClient = deps.clientVersion ?? (() => pgDumpVersion(path));
  const server = target.connectionString ? text('backups.progress.databaseUrlServer') : `${target.host}:${target.port}`;
  return {
    where: text('backups.progress.fromDashboard', { server }),
    async prepare(database) {
      const output = await readClient();
      const client = clientMajor(output);
      if (client === null) {
        throw new AppError(
          'upstream_failed',
          text('backups.errors.clientVersionUnreadable.title'),
          text('backups.errors.clientVersionUnreadable.detail', {
            output: JSON.stringify(output.trim().slice(0, 200)),
          }),
        );
      }
      const num = await serverVersionNum(deps.connect, database);
      const serverVersion = serverMajor(num);
      if (serverVersion === null) {
        throw new AppError(
          'upstream_failed',
          text('backups.errors.serverVersionUnreadable.title'),
          text('backups.errors.serverVersionUnreadable.detail', { answer: String(num) }),
        );
      }
      const mismatch = versionMismatch(client, serverVersion);
      if (mismatch) throw mismatch;
    },
    dump: (tool, stdout, timeoutMs) => runProgram(pgDumpArgv(tool.user, tool.database), { env, stdout, timeoutMs }),
    restore: (tool, stdin, timeoutMs) =>
      runProgram(pgRestoreArgv(tool.user, tool.database), {
        env,
        stdin,
        stdout: new PassThrough().resume(),
        timeoutMs,
      }),
  };
}
