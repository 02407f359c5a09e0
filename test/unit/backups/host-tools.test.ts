import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import type { PostgresTarget } from '@/lib/config';
import { hostTools, libpqEnvironment, runProgram } from '@/lib/backups/host-tools';
import { pgDumpArgv, pgRestoreArgv } from '@/lib/backups/pg-commands';
import { clientMajor, serverMajor, versionMismatch } from '@/lib/backups/pg-versions';
import { AppError } from '@/lib/errors';

const TARGET: PostgresTarget = {
  host: 'db.internal',
  port: 6432,
  database: 'mastodon_production',
  user: 'mastodon',
  password: 'sekret pass:/@',
  sslMode: 'require',
};

describe('the environment of a host-side pg_dump', () => {
  it('carries host, port, password and sslmode from DB_*, and nothing else of the dashboard', () => {
    expect(libpqEnvironment(TARGET, '/usr/bin:/bin')).toEqual({
      PATH: '/usr/bin:/bin',
      PGHOST: 'db.internal',
      PGPORT: '6432',
      PGPASSWORD: 'sekret pass:/@',
      PGSSLMODE: 'require',
      PGAPPNAME: 'mastodash',
      PGCONNECT_TIMEOUT: '15',
      LC_ALL: 'C',
    });
  });

  it('takes DATABASE_URL over DB_*, its password decoded, its sslmode over DB_SSLMODE', () => {
    const env = libpqEnvironment(
      { ...TARGET, connectionString: 'postgresql://app:p%40ss%2Fword@[::1]:5433/mastodon?sslmode=verify-full' },
      undefined,
    );
    expect(env).toMatchObject({ PGHOST: '::1', PGPORT: '5433', PGPASSWORD: 'p@ss/word', PGSSLMODE: 'verify-full' });
    expect(env.PATH).toBeUndefined();
    const socket = libpqEnvironment(
      { ...TARGET, password: undefined, sslMode: undefined, connectionString: 'postgres:///mastodon?host=/run/pg' },
      undefined,
    );
    expect(socket).toMatchObject({ PGHOST: '/run/pg', PGPORT: '5432' });
    expect(socket).not.toHaveProperty('PGPASSWORD');
    expect(socket).not.toHaveProperty('PGSSLMODE');
  });

  it('keeps the argv of the container path: no host, no password, no connection string', () => {
    const argv = pgDumpArgv('mastodon', 'mastodon_production');
    expect(argv).toEqual([
      'pg_dump',
      '--format=custom',
      '--no-password',
      '--username=mastodon',
      '--dbname=mastodon_production',
    ]);
    expect(argv.join(' ')).not.toContain(TARGET.password);
  });
});

describe('the major versions pg_dump and the server name', () => {
  it('reads the client’s from pg_dump --version, Debian’s and others', () => {
    expect(clientMajor('pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n')).toBe('15');
    expect(clientMajor('pg_dump (PostgreSQL) 17.2')).toBe('17');
    expect(clientMajor('pg_dump (PostgreSQL) 16beta1')).toBe('16');
    expect(clientMajor('pg_dump (PostgreSQL) 9.6.24')).toBe('9.6');
    expect(clientMajor('bash: pg_dump: command not found')).toBeNull();
  });

  it('reads the server’s from server_version_num', () => {
    expect(serverMajor('150014')).toBe('15');
    expect(serverMajor(170002)).toBe('17');
    expect(serverMajor('100023')).toBe('10');
    expect(serverMajor('90624')).toBe('9.6');
    expect(serverMajor('fifteen')).toBeNull();
  });

  it('accepts the same major and refuses either mismatch, naming both versions and the package', () => {
    expect(versionMismatch('15', '15')).toBeUndefined();
    const older = versionMismatch('15', '16');
    expect(older).toBeInstanceOf(AppError);
    expect(older?.code).toBe('conflict');
    expect(inEnglish(older!.detail)).toBe(
      "The dashboard's pg_dump is PostgreSQL 15, the database server is PostgreSQL 16. pg_dump cannot dump a " +
        'server newer than itself. Nothing was written.',
    );
    expect(inEnglish(older!.fix!)).toContain('postgresql-client-16');
    expect(renderText(translatorFor('de'), older!.detail)).toBe(
      'Das pg_dump des Dashboards ist PostgreSQL 15, der Datenbankserver ist PostgreSQL 16. pg_dump kann keinen ' +
        'Server sichern, der neuer ist als es selbst. Es wurde nichts geschrieben.',
    );
    expect(renderText(translatorFor('de'), older!.title)).toBe('pg_dump passt nicht zum Datenbankserver');
    const newer = versionMismatch('17', '15');
    expect(inEnglish(newer!.detail)).toContain('PostgreSQL 17, the database server is PostgreSQL 15');
    expect(inEnglish(newer!.detail)).toContain('not guaranteed to restore into the server it came from');
    expect(inEnglish(newer!.fix!)).toContain('postgresql-client-15');
    expect(renderText(translatorFor('de'), newer!.fix!)).toContain('Debian: postgresql-client-15');
  });
});

describe('running the programs without a shell', () => {
  let bin: string;
  const record = () => path.join(bin, 'record');

  beforeAll(() => {
    bin = mkdtempSync(path.join(tmpdir(), 'mastodash-fake-pg-'));
    // A stand-in pg_dump: writes its argv and environment to a file, then 3 MiB on stdout, then exits with $FAKE_EXIT.
    const script = [
      '#!/bin/sh',
      `{ printf '%s\\n' "$@"; echo ---; env | sort; } > '${bin}/record'`,
      'if [ "$1" = --version ]; then echo "pg_dump (PostgreSQL) 14.9"; exit 0; fi',
      'if [ "$3" = --username=sleeper ]; then exec sleep 30; fi',
      'head -c 3145728 /dev/zero',
      'echo "pg_dump: done" >&2',
      'exit 3',
    ].join('\n');
    writeFileSync(path.join(bin, 'pg_dump'), script);
    chmodSync(path.join(bin, 'pg_dump'), 0o755);
    writeFileSync(path.join(bin, 'pg_restore'), '#!/bin/sh\nwc -c > ' + `'${bin}/restored'\nexit 0\n`);
    chmodSync(path.join(bin, 'pg_restore'), 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const env = () => libpqEnvironment(TARGET, `${bin}:/usr/bin:/bin`);

  it('passes the argv as given and the password only in the environment; streams stdout with backpressure', async () => {
    let received = 0;
    let waits = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        setImmediate(callback);
      },
    });
    const originalWrite = slow.write.bind(slow);
    slow.write = ((chunk: Buffer) => {
      const ok = originalWrite(chunk);
      if (!ok) waits += 1;
      return ok;
    }) as typeof slow.write;
    const run = await runProgram(pgDumpArgv('mastodon', 'mastodon_production'), {
      env: env(),
      stdout: slow,
      timeoutMs: 20_000,
    });
    expect(run).toEqual({ exitCode: 3, stderr: 'pg_dump: done\n' });
    expect(received).toBe(3 * 1024 * 1024);
    expect(waits).toBeGreaterThan(0);
    const [argv, environment] = readFileSync(record(), 'utf8').split('---\n') as [string, string];
    expect(argv).toBe('--format=custom\n--no-password\n--username=mastodon\n--dbname=mastodon_production\n');
    expect(argv).not.toContain('sekret');
    expect(environment).toContain('PGPASSWORD=sekret pass:/@\n');
    expect(environment).toContain('PGHOST=db.internal\n');
    expect(environment).not.toMatch(/^DASHBOARD_|^DATABASE_URL=|^DB_PASS=/m);
  });

  it('stops the program and fails with the writer’s own error when the writer fails (a full disk)', async () => {
    let written = 0;
    const failing = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        callback(written > 256 * 1024 ? Object.assign(new Error('no space left'), { code: 'ENOSPC' }) : undefined);
      },
    });
    failing.on('error', () => undefined);
    const error = await runProgram(pgDumpArgv('mastodon', 'mastodon_production'), {
      env: env(),
      stdout: failing,
      timeoutMs: 20_000,
    }).catch((caught: unknown) => caught);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(written).toBeLessThan(3 * 1024 * 1024);
  });

  it('feeds pg_restore the file on stdin', async () => {
    const run = await runProgram(pgRestoreArgv('mastodon', 'mastodash_verify_20261204t033000'), {
      env: env(),
      stdin: Readable.from([Buffer.alloc(100_000, 1)]),
      stdout: new PassThrough().resume(),
      timeoutMs: 20_000,
    });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(path.join(bin, 'restored'), 'utf8').trim()).toBe('100000');
  });

  it('refuses an argv the allow-list refuses, before running anything', async () => {
    const error = await runProgram(['pg_dump', '--dbname=host=elsewhere password=x'], {
      env: env(),
      stdout: new PassThrough().resume(),
      timeoutMs: 5_000,
    }).catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('invalid_input');
  });

  it('stops a program past its timeout and says so', async () => {
    const started = Date.now();
    const error = await runProgram(pgDumpArgv('sleeper', 'mastodon_production'), {
      env: env(),
      stdout: new PassThrough().resume(),
      timeoutMs: 500,
    }).catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('timeout');
    expect(inEnglish((error as AppError).title)).toBe('pg_dump did not finish');
    expect(renderText(translatorFor('de'), (error as AppError).title)).toBe('pg_dump ist nicht fertig geworden');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says pg_dump is not installed when PATH has none', async () => {
    const error = await runProgram(pgDumpArgv('mastodon', 'mastodon_production'), {
      env: { ...env(), PATH: path.join(bin, 'empty') },
      stdout: new PassThrough().resume(),
      timeoutMs: 5_000,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    expect(inEnglish((error as AppError).title)).toBe('pg_dump is not installed');
    expect(renderText(translatorFor('de'), (error as AppError).title)).toBe('pg_dump ist nicht installiert');
  });

  it('compares the real pg_dump --version of PATH with the server’s, before anything runs', async () => {
    const tools = hostTools(TARGET, {
      path: `${bin}:/usr/bin:/bin`,
      connect: async () =>
        ({
          query: async () => ({ rows: [{ server_version_num: '150014' }] }),
          end: async () => undefined,
        }) as unknown as pg.Client,
    });
    const error = await tools.prepare('mastodon_production').catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('conflict');
    expect(inEnglish((error as AppError).detail)).toMatch(
      /^The dashboard's pg_dump is PostgreSQL 14, the database server is PostgreSQL 15\./,
    );
  });

  it('says in the progress line where the programs run, in the reader’s language', () => {
    const tools = hostTools(TARGET, { connect: async () => ({}) as pg.Client });
    expect(inEnglish(tools.where)).toBe('from the dashboard, against db.internal:6432');
    expect(renderText(translatorFor('de'), tools.where)).toBe('vom Dashboard aus, gegen db.internal:6432');
    const byUrl = hostTools(
      { ...TARGET, connectionString: 'postgres://x@y/z' },
      { connect: async () => ({}) as pg.Client },
    );
    expect(inEnglish(byUrl.where)).toBe('from the dashboard, against the server DATABASE_URL names');
  });
});
