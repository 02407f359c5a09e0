import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { runCleanupAction } from '@/app/media/actions';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { getJob, type JobView } from '@/lib/jobs';
import type { CleanupResult } from '@/lib/mastodon/cleanup/run';
import { createSocketProxy } from '@/lib/socket-proxy/server';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';
import { ownProjectEnv, readTestbed } from '../../support/testbed';

vi.mock('@/lib/auth/guard', () => import('../../support/signed-in-guard'));

/**
 * The cleanup jobs against a compose project of their own (scripts/testbed/project.sh, Mastodon 4.3.17), through
 * the real socket proxy, with tootctl (the test bed's stand-in) deleting files in the project's media folder on the
 * host: what the dry run announces is what the run frees, measured on the disk.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const PROJECT = 'cleanup-int';
const PROJECT_DIR = path.join(path.dirname(testbed.mastodonDir), PROJECT);
const MEDIA = path.join(PROJECT_DIR, 'public/system');
const DAY_MS = 86_400_000;
/** Mastodon's uid and gid in the official image: what owns a healthy media folder. */
const MASTODON_UID = 991;

let dir: string;
let proxy: Server;
let store: Store;

/** Every file under the folder with its size: the disk, measured. */
function filesUnder(root: string): Map<string, number> {
  const found = new Map<string, number>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.set(path.relative(root, full), statSync(full).size);
    }
  };
  walk(root);
  return found;
}

const bytesOf = (files: Map<string, number>) => [...files.values()].reduce((sum, size) => sum + size, 0);

/** Writes a file of `bytes` bytes, `ageDays` old, owned (with its folders) by Mastodon's user as uploads are. */
function plant(relative: string, bytes: number, ageDays: number): void {
  const file = path.join(MEDIA, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes, 7));
  const at = new Date(Date.now() - ageDays * DAY_MS);
  utimesSync(file, at, at);
}

/** Empties the media folder but keeps it: it is the containers' bind mount, and a new folder would not be seen. */
function clearMedia(): void {
  for (const entry of readdirSync(MEDIA)) rmSync(path.join(MEDIA, entry), { recursive: true, force: true });
}

function ownAll(folder: string): void {
  chownSync(folder, MASTODON_UID, MASTODON_UID);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) ownAll(full);
    else chownSync(full, MASTODON_UID, MASTODON_UID);
  }
}

async function finished(id: string): Promise<JobView> {
  await expect.poll(() => getJob(id)?.status, { timeout: 60_000, interval: 100 }).not.toBe('running');
  return getJob(id)!;
}

async function startJob(input: Record<string, unknown>): Promise<string> {
  const answer = await runCleanupAction(input);
  if (!answer.ok) throw new Error(`${inEnglish(answer.error.title)}: ${inEnglish(answer.error.detail)}`);
  return answer.data.jobId;
}

beforeAll(async () => {
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--version', '4.3.17'], { timeout: 240_000 });
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', PROJECT, '120'], { timeout: 240_000 });
  dir = mkdtempSync(path.join(tmpdir(), 'mastodash-cleanup-'));
  store = openStore(dir);
  setStoreForTesting(store);
  const socketPath = path.join(dir, 'docker.sock');
  proxy = createSocketProxy({ upstreamSocket: testbed.dockerHost.replace(/^unix:\/\//, ''), project: PROJECT });
  await new Promise<void>((resolve) => proxy.listen(socketPath, resolve));
  setConfigForTesting(
    loadConfig({ env: { ...ownProjectEnv(testbed, PROJECT), DOCKER_HOST: `unix://${socketPath}`, DATA_DIR: dir } }),
  );
}, 300_000);

afterAll(async () => {
  setConfigForTesting(undefined);
  setStoreForTesting(undefined);
  store?.close();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(PROJECT_DIR, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('tootctl media remove, dry run first', () => {
  const OLD = [
    ['cache/media_attachments/files/109/000/000/000/000/001/original/a.png', 180_000],
    ['cache/media_attachments/files/109/000/000/000/000/001/small/a.png', 22_000],
    ['cache/media_attachments/thumbnails/109/000/000/000/000/001/original/a.jpg', 9_000],
    ['cache/media_attachments/files/109/000/000/000/000/002/original/b.mp4', 1_300_000],
    ['cache/media_attachments/files/109/000/000/000/000/003/original/c.png', 64_123],
  ] as const;
  const FRESH = 'cache/media_attachments/files/109/000/000/000/000/004/original/d.png';
  const LOCAL = 'media_attachments/files/110/000/000/000/000/001/original/mine.png';
  let dryRun: CleanupResult;
  let before: Map<string, number>;

  beforeAll(async () => {
    clearMedia();
    for (const [file, bytes] of OLD) plant(file, bytes, 10);
    plant(FRESH, 50_000, 2);
    plant(LOCAL, 70_000, 400);
    ownAll(MEDIA);
    before = filesUnder(MEDIA);
  });

  it('announces the old cached media, deletes nothing, and says so in its steps', async () => {
    const id = await startJob({
      job: 'media-remove',
      days: 7,
      remove: 'attachments',
      includeFollows: false,
      dryRun: true,
    });
    const job = await finished(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    dryRun = job.result as CleanupResult;
    const oldBytes = OLD.reduce((sum, [, bytes]) => sum + bytes, 0);
    expect(dryRun).toMatchObject({
      job: 'media-remove',
      dryRun: true,
      command: 'tootctl media remove --days=7 --dry-run',
      container: `${PROJECT}-web-1`,
      version: '4.3.17',
      count: 3,
      counted: 'media attachments',
      sizeText: '1.5 MB',
      errorCount: 0,
    });
    expect(Math.abs(dryRun.bytes - oldBytes)).toBeLessThanOrEqual(dryRun.sizeWithin);
    expect(filesUnder(MEDIA)).toEqual(before);
    expect(job.steps.map((step) => inEnglish(step.step))).toEqual([
      'Finding where tootctl runs',
      `tootctl runs in ${PROJECT}-web-1`,
      'Dry run: tootctl media remove --days=7 --dry-run',
      'Done',
    ]);
    expect(job.steps[2]).toMatchObject({ done: 100, total: 100, unit: '%' });
    expect(inEnglish(job.steps[3]!.detail!)).toBe('Would free approx. 1.5 MB (3 media attachments)');
    expect(renderText(translatorFor('de'), job.steps[3]!.detail!)).toBe('Würde ca. 1.5 MB freigeben (3 Medienanhänge)');
  });

  it('then frees what the dry run announced, measured on the disk, and leaves the rest', async () => {
    const id = await startJob({
      job: 'media-remove',
      days: 7,
      remove: 'attachments',
      includeFollows: false,
      dryRun: false,
    });
    const job = await finished(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const result = job.result as CleanupResult;
    const after = filesUnder(MEDIA);
    const freed = bytesOf(before) - bytesOf(after);
    expect(result).toMatchObject({ dryRun: false, count: dryRun.count, sizeText: dryRun.sizeText });
    expect(Math.abs(freed - dryRun.bytes)).toBeLessThanOrEqual(dryRun.sizeWithin);
    expect([...after.keys()].sort()).toEqual([FRESH, LOCAL].sort());
    console.log(
      `media remove: announced ${dryRun.sizeText} (${dryRun.bytes} ± ${dryRun.sizeWithin} B), freed ${freed} B`,
    );
  });

  it('is audited, the input with it', () => {
    const rows = store
      .prepare("SELECT outcome, target, params FROM audit_log WHERE action = 'media.cleaned_up' ORDER BY id")
      .all() as { outcome: string; target: string; params: string }[];
    expect(rows.map((row) => [row.outcome, row.target, JSON.parse(row.params).dryRun])).toEqual([
      ['succeeded', 'tootctl media remove', true],
      ['succeeded', 'tootctl media remove', false],
    ]);
  });
});

describe('one cleanup at a time', () => {
  it('refuses a second cleanup, of any kind, while one runs', async () => {
    const first = await startJob({ job: 'media-remove-orphans', dryRun: true });
    const second = await runCleanupAction({ job: 'preview-cards-remove', days: 180, dryRun: true });
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'conflict', title: 'Already running' },
      runningJobId: first,
    });
    expect((await finished(first)).status).toBe('succeeded');
    const third = await startJob({ job: 'preview-cards-remove', days: 180, dryRun: true });
    expect((await finished(third)).status).toBe('succeeded');
  });
});

describe('tootctl media remove-orphans, preview_cards remove and bad input', () => {
  it('removes a file no record owns, and preview images older than the days given', async () => {
    clearMedia();
    plant('media_attachments/files/000/009/999/original/orphan.png', 4_096, 0);
    plant('preview_cards/images/000/000/007/original/card.png', 30_000, 200);
    plant('preview_cards/images/000/000/008/original/card.png', 30_000, 3);
    ownAll(MEDIA);
    const orphans = await finished(await startJob({ job: 'media-remove-orphans', dryRun: false }));
    expect(orphans.status, JSON.stringify(orphans.error)).toBe('succeeded');
    expect(orphans.result).toMatchObject({ count: 1, counted: 'orphans', sizeText: '4 KB', bytes: 4096 });
    const cards = await finished(await startJob({ job: 'preview-cards-remove', days: 14, dryRun: false }));
    expect(cards.result).toMatchObject({ count: 1, counted: 'preview cards', sizeText: '29.3 KB' });
    expect([...filesUnder(MEDIA).keys()]).toEqual(['preview_cards/images/000/000/008/original/card.png']);
  });

  it('refuses days out of range before anything runs', async () => {
    const answer = await runCleanupAction({
      job: 'media-remove',
      days: 0,
      remove: 'attachments',
      includeFollows: false,
      dryRun: true,
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
      fieldErrors: { days: [expect.any(String)] },
    });
  });
});
