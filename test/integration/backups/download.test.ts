import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backupName, type BackupRecord } from '@/lib/backups/layout';
import { PartialBackup } from '@/lib/backups/writer';
import { auditRows, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';

/**
 * The download route of the production build (app/backups/[name]/[file]/route.ts): who may download, which files,
 * and that a large dump is streamed as the client reads it rather than read into the server's memory.
 */
const DUMP_MIB = 256;

let server: RunningServer;
let backupDir: string;
let record: BackupRecord;
let recentCookie: string;

function dumpBytes(): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  return Readable.from(
    (function* () {
      for (let i = 0; i < DUMP_MIB; i += 1) {
        chunk.fill(i % 251);
        yield Buffer.from(chunk);
      }
    })(),
  );
}

function rssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

function open(pathname: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathname,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  backupDir = mkdtempSync(path.join(tmpdir(), 'mastodash-download-'));
  server = await startServer({ DASHBOARD_PASSWORD: 'download-test-password', BACKUP_DIR: backupDir });
  const startedAt = new Date(Date.now() - 3_600_000);
  const partial = await PartialBackup.open(backupDir, backupName(startedAt, '4.3.17'));
  await partial.addPart('database', dumpBytes());
  await partial.addPart('env', Readable.from([Buffer.from('SECRET_KEY_BASE=not-in-this-test\n')]));
  record = await partial.commit({
    format: 1,
    trigger: 'manual',
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    durationMs: 1000,
    mastodonVersion: '4.3.17',
    verification: { state: 'verified' },
  });
  recentCookie = plantSession(server.dataDir).cookie;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(backupDir, { recursive: true, force: true });
});

const dumpPath = () => `/backups/${record.name}/mastodon.dump`;
const downloads = () => auditRows(server.dataDir).filter((row) => row.action === 'backup.downloaded');

describe('who may download a backup', () => {
  it('answers 401 without a session, and 403 to a foreign Host or a request another site started', async () => {
    expect((await rawRequest(server.port, { path: dumpPath() })).status).toBe(401);
    const foreign = await rawRequest(server.port, {
      path: dumpPath(),
      headers: { host: 'evil.example:3001', cookie: recentCookie },
    });
    expect(foreign.status).toBe(403);
    const crossSite = await rawRequest(server.port, {
      path: dumpPath(),
      headers: { cookie: recentCookie, 'sec-fetch-site': 'same-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toContain('a download must start on this dashboard');
    expect(downloads()).toEqual([]);
  });

  it('sends a session whose login is not recent to the password prompt, and serves nothing', async () => {
    const { cookie } = plantSession(server.dataDir, { authenticatedAgoMs: 60 * 60_000 });
    const response = await rawRequest(server.port, { path: dumpPath(), headers: { cookie } });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/backups/confirm?backup=${record.name}&file=mastodon.dump`);
    expect(response.body).toBe('');
    const prompt = await rawRequest(server.port, {
      path: response.headers.location as string,
      headers: { cookie },
    });
    expect(prompt.status).toBe(200);
    expect(prompt.body).toContain('Enter your password to download it');
    expect(downloads()).toEqual([]);
  });

  it('refuses names and files that are not a backup’s own (no path traversal, no backup.json, no symlink)', async () => {
    symlinkSync('/etc/passwd', path.join(backupDir, record.name, 'docker-compose.yml'));
    try {
      for (const target of [
        `/backups/..%2F..%2Fetc/passwd`,
        `/backups/${record.name}/backup.json`,
        `/backups/${record.name}/..%2F..%2F..%2Fetc%2Fpasswd`,
        `/backups/not-a-backup/mastodon.dump`,
        `/backups/2026-01-01T00-00-00Z_v4.3.17/mastodon.dump`,
        `/backups/${record.name}/dump.rdb`,
        // A planted link under a listed name is not in the record, and would not be followed if it were.
        `/backups/${record.name}/docker-compose.yml`,
      ]) {
        const response = await rawRequest(server.port, { path: target, headers: { cookie: recentCookie } });
        expect(response.status, target).toBe(404);
        expect(response.body, target).not.toContain('root:');
      }
    } finally {
      unlinkSync(path.join(backupDir, record.name, 'docker-compose.yml'));
    }
    expect(downloads()).toEqual([]);
  });
});

describe('the download itself', () => {
  it('serves SHA256SUMS as an attachment that is never cached', async () => {
    const response = await rawRequest(server.port, {
      path: `/backups/${record.name}/SHA256SUMS`,
      headers: { cookie: recentCookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="SHA256SUMS"');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBe(readFileSync(path.join(backupDir, record.name, 'SHA256SUMS'), 'utf8'));
  });

  it(`streams a ${DUMP_MIB} MiB dump as the client reads it: the server's memory does not grow with it`, async () => {
    const before = rssKiB(server.process.pid!);
    const response = await open(dumpPath(), { cookie: recentCookie, 'sec-fetch-site': 'same-origin' });
    expect(response.statusCode).toBe(200);
    // Next 16 drops a route handler's Content-Length (next/dist/server/send-response.js, FORBIDDEN_HEADERS): the
    // body goes chunked. When that changes, the route's header comes through and this line must change with it.
    expect([response.headers['content-length'], response.headers['transfer-encoding']]).toEqual([undefined, 'chunked']);
    expect(response.headers['content-disposition']).toBe('attachment; filename="mastodon.dump"');
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['cache-control']).toBe('no-store');
    // Read nothing for 3 s: a server that buffered would read the whole file meanwhile.
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const paused = rssKiB(server.process.pid!);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of response) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    expect(bytes).toBe(DUMP_MIB * 1024 * 1024);
    expect(hash.digest('hex')).toBe(record.files[0]!.sha256);
    console.log(`[download] server RSS ${before} KiB before, ${paused} KiB while the client held the stream`);
    expect(paused - before).toBeLessThan(64 * 1024);
    await expect.poll(() => downloads().at(-1)?.outcome).toBe('succeeded');
    expect(downloads().at(-1)).toMatchObject({ target: `${record.name}/mastodon.dump` });
  }, 60_000);

  it('records a download the client broke off as failed, with how far it got', async () => {
    const response = await open(dumpPath(), { cookie: recentCookie });
    expect(response.statusCode).toBe(200);
    await new Promise<void>((resolve) => response.once('data', () => resolve()));
    response.destroy();
    await expect.poll(() => downloads().at(-1)?.outcome, { timeout: 10_000 }).toBe('failed');
    expect(downloads().at(-1)?.error).toMatch(/^the browser stopped the download after \d+ of 268435456 bytes$/);
  });
});
