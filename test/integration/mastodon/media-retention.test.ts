import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { changeRetentionSetting, readRetentionSettings } from '@/lib/mastodon/retention';
import {
  mediaFolderStatus,
  resetMediaFolderForTesting,
  startMediaMeasurement,
} from '@/lib/mastodon/storage/media-folder';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { resetRedisForTesting } from '@/lib/redis/client';
import { SETTINGS_CACHE_DIGEST } from '../../../scripts/testbed/seed/redis-model.mjs';
import { createOwnMastodonDatabase, dropOwnMastodonDatabase, ownDatabaseUrl } from '../../support/own-database';
import { readTestbed } from '../../support/testbed';

/**
 * The media breakdown and the retention settings against the real test bed.
 * - The breakdown: a project of this file's own (Mastodon 4.3.17 stand-in, `project.sh up`), files of known sizes
 *   written into its media folder on the host, measured by the dashboard's du inside its web container.
 * - The settings: databases of this file's own (retention_it43 with the thing columns, retention_it44 with the unique
 *   var, made as the shared ones are), so the suites that snapshot mastodon_43/44 never see these rows; the Rails
 *   cache in Redis db 11, which no other suite uses. The version comes from that project (4.3.17) and mdother (4.4.4,
 *   read only).
 */
const run = promisify(execFile);
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);
const PROJECT = `mdret${Date.now().toString(36).slice(-4)}`;
const MEDIA_ON_HOST = path.join(projectsDir, PROJECT, 'public/system');
const MEDIA = '/opt/mastodon/public/system';
const KIB = 1024;
const MIB = 1024 * KIB;
const CACHE_REDIS_URL = testbed.redisUrl.replace(/\/\d+$/, '/11');
const DB43 = 'retention_it43';
const DB44 = 'retention_it44';

/** Empties the media folder; the folder itself stays, since web's bind mount holds it. */
function emptyMediaFolder(): void {
  for (const entry of readdirSync(MEDIA_ON_HOST))
    rmSync(path.join(MEDIA_ON_HOST, entry), { recursive: true, force: true });
}

async function configure(env: Record<string, string>): Promise<void> {
  await resetPostgresForTesting();
  await resetRedisForTesting();
  resetMediaFolderForTesting();
  setConfigForTesting(loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, ...env } }));
}

beforeAll(async () => {
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--version', '4.3.17'], { timeout: 240_000 });
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', PROJECT, '120'], { timeout: 240_000 });
}, 300_000);

afterAll(async () => {
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(path.join(projectsDir, PROJECT), { recursive: true, force: true });
  await resetPostgresForTesting();
  await resetRedisForTesting();
  resetMediaFolderForTesting();
  setConfigForTesting(undefined);
});

describe('the media folder broken down (du in the web container of a project of its own)', () => {
  const files: [string, number][] = [
    ['cache/media_attachments/files/109/000/001/original/a.jpg', 3 * MIB],
    ['cache/accounts/avatars/109/000/002/original/b.png', 512 * KIB],
    ['media_attachments/files/110/000/003/original/c.mp4', 1 * MIB],
    ['accounts/avatars/110/000/004/original/d.png', 256 * KIB],
    ['custom_emojis/images/000/000/005/original/e.png', 64 * KIB],
    ['site_uploads/files/000/000/006/original/f.png', 128 * KIB],
    ['backups/dumps/000/000/007/original/archive.zip', 2 * MIB],
    ['loose.txt', 10 * KIB],
  ];

  beforeAll(async () => {
    emptyMediaFolder();
    for (const [file, bytes] of files) {
      mkdirSync(path.dirname(path.join(MEDIA_ON_HOST, file)), { recursive: true, mode: 0o755 });
      // Random bytes: a file of zeros could be stored sparse by some file systems.
      writeFileSync(path.join(MEDIA_ON_HOST, file), randomBytes(bytes), { mode: 0o644 });
    }
    // A generous Docker timeout: on the shared test machine under load a listing took over the default 5 s.
    await configure({
      COMPOSE_PROJECT: PROJECT,
      MASTODON_DIR: path.join(projectsDir, PROJECT),
      DOCKER_TIMEOUT_MS: '30000',
    });
  });

  afterAll(() => {
    emptyMediaFolder();
  });

  it('names each folder with the bytes du finds, and the rest adds up to the total', async () => {
    expect(mediaFolderStatus().state).toBe('measuring');
    await startMediaMeasurement();
    const view = mediaFolderStatus();
    if (view.state !== 'measured') throw new Error(JSON.stringify(view));
    expect(view.container).toBe(`${PROJECT}-web-1`);
    expect(view.unreadable).toBe(0);

    // The same du by hand, through docker exec in the same container: the figures the page must show.
    const { stdout } = await run('docker', ['exec', `${PROJECT}-web-1`, 'du', '-k', '-d', '1', MEDIA], {
      env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
    });
    const byHand = new Map(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t') as [string, string])
        .map(([kib, where]) => [where, Number(kib) * KIB]),
    );
    expect(view.bytes).toBe(byHand.get(MEDIA));
    const part = (name: string) => view.breakdown.parts.find((entry) => entry.name === name)!;
    expect(part('cache').bytes).toBe(byHand.get(`${MEDIA}/cache`));
    expect(part('media_attachments').bytes).toBe(byHand.get(`${MEDIA}/media_attachments`));

    // And close to what was written: the files plus a few KiB of folders each.
    const near = (bytes: number, written: number) => {
      expect(bytes).toBeGreaterThanOrEqual(written);
      expect(bytes).toBeLessThan(written + 64 * KIB);
    };
    near(part('cache').bytes, 3 * MIB + 512 * KIB);
    near(part('media_attachments').bytes, 1 * MIB);
    near(part('accounts').bytes, 256 * KIB);
    near(part('custom_emojis').bytes, 64 * KIB);
    expect(part('preview_cards')).toEqual({ name: 'preview_cards', bytes: 0, present: false });
    expect(view.breakdown.rest.folders.map((folder) => folder.name)).toEqual(['backups', 'site_uploads']);
    near(view.breakdown.rest.bytes, 2 * MIB + 128 * KIB + 10 * KIB);
    const sum = view.breakdown.parts.reduce((total, entry) => total + entry.bytes, view.breakdown.rest.bytes);
    expect(sum).toBe(view.bytes);
  });

  it('follows a change on disk at the next measurement', async () => {
    rmSync(path.join(MEDIA_ON_HOST, 'cache'), { recursive: true });
    await startMediaMeasurement();
    const view = mediaFolderStatus();
    if (view.state !== 'measured') throw new Error(JSON.stringify(view));
    expect(view.breakdown.parts[0]).toEqual({ name: 'cache', bytes: 0, present: false });
  });
});

describe('the retention settings in both settings shapes', () => {
  let redis: Redis;
  const cached = (prefix: string, name: string) => `${prefix}rails_settings_cached/${SETTINGS_CACHE_DIGEST}/${name}`;

  async function rows(database: string, name: string): Promise<Record<string, unknown>[]> {
    const db = new pg.Client({ connectionString: ownDatabaseUrl(testbed.pgUrl43, database) });
    await db.connect();
    try {
      return (await db.query('SELECT * FROM settings WHERE var = $1 ORDER BY id', [name])).rows as Record<
        string,
        unknown
      >[];
    } finally {
      await db.end();
    }
  }

  async function sql(database: string, text: string): Promise<void> {
    const db = new pg.Client({ connectionString: ownDatabaseUrl(testbed.pgUrl43, database) });
    await db.connect();
    try {
      await db.query(text);
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    createOwnMastodonDatabase(DB43, '43');
    createOwnMastodonDatabase(DB44, '44');
    redis = new Redis(CACHE_REDIS_URL);
    await redis.flushdb();
  });

  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
    await resetPostgresForTesting();
    dropOwnMastodonDatabase(DB43);
    dropOwnMastodonDatabase(DB44);
  });

  it('4.0–4.3 shape (4.3.17, REDIS_NAMESPACE set): defaults, then a site-wide row, the per-user row untouched', async () => {
    await configure({
      COMPOSE_PROJECT: PROJECT,
      MASTODON_DIR: path.join(projectsDir, PROJECT),
      DATABASE_URL: ownDatabaseUrl(testbed.pgUrl43, DB43),
      CACHE_REDIS_URL,
      REDIS_NAMESPACE: 'retention_ns',
    });
    // A per-user row of the same name, as 4.0/4.1 kept user settings: never read, never written.
    await sql(
      DB43,
      `INSERT INTO settings (var, value, thing_type, thing_id, created_at, updated_at)
       VALUES ('media_cache_retention_period', E'--- 1\\n', 'User', 1, now(), now())`,
    );
    const prefix = 'retention_ns_cache:';
    await redis.set(cached(prefix, 'media_cache_retention_period'), 'rails-entry');
    await redis.set(cached(prefix, 'site_title'), 'rails-entry');
    await redis.set(cached('cache:', 'media_cache_retention_period'), 'not this namespace');

    const before = await readRetentionSettings();
    expect(before).toEqual({
      ok: true,
      schema: 'thing-columns',
      settings: [
        { name: 'media_cache_retention_period', source: 'default' },
        { name: 'content_cache_retention_period', source: 'default' },
        { name: 'backups_retention_period', source: 'default', days: 7 },
      ],
    });

    const result = await changeRetentionSetting({ setting: 'media_cache_retention_period', days: 14, from: 'default' });
    expect(result.schema).toBe('thing-columns');
    expect(result.rowsWritten).toEqual([
      { var: 'media_cache_retention_period', value: '--- 14\n', how: 'inserted', rows: 1 },
    ]);
    expect(result.cache).toMatchObject({
      prefix,
      removedFirst: [cached(prefix, 'media_cache_retention_period')],
      removedSecond: [],
    });
    expect(result.after).toMatchObject({
      ok: true,
      settings: [{ name: 'media_cache_retention_period', source: 'stored', raw: '--- 14\n', days: 14 }, {}, {}],
    });
    const stored = await rows(DB43, 'media_cache_retention_period');
    expect(stored.map((row) => [row.value, row.thing_type, row.thing_id])).toEqual([
      ['--- 1\n', 'User', '1'],
      ['--- 14\n', null, null],
    ]);
    expect(await redis.exists(cached(prefix, 'media_cache_retention_period'))).toBe(0);
    expect(await redis.get(cached(prefix, 'site_title'))).toBe('rails-entry');
    expect(await redis.get(cached('cache:', 'media_cache_retention_period'))).toBe('not this namespace');

    // A second click from a page that still shows "default" writes nothing.
    await expect(
      changeRetentionSetting({ setting: 'media_cache_retention_period', days: 30, from: 'default' }),
    ).rejects.toMatchObject({ code: 'conflict' } satisfies Partial<AppError>);
    expect((await rows(DB43, 'media_cache_retention_period')).map((row) => row.value)).toEqual(['--- 1\n', '--- 14\n']);

    // The same row is updated in place on the next change.
    const again = await changeRetentionSetting({ setting: 'media_cache_retention_period', days: 30, from: '14' });
    expect(again.rowsWritten[0]).toMatchObject({ how: 'updated', value: '--- 30\n' });
    expect((await rows(DB43, 'media_cache_retention_period')).map((row) => row.value)).toEqual(['--- 1\n', '--- 30\n']);
  });

  it('4.4+ shape (mdother, 4.4.4): a cleared archive period (stored empty) is off; one click stores 7 days', async () => {
    await configure({
      COMPOSE_PROJECT: testbed.otherProject,
      MASTODON_DIR: path.join(projectsDir, testbed.otherProject),
      DATABASE_URL: ownDatabaseUrl(testbed.pgUrl44, DB44),
      CACHE_REDIS_URL,
    });
    await sql(
      DB44,
      `INSERT INTO settings (var, value, created_at, updated_at) VALUES ('backups_retention_period', E'--- \\'\\'\\n', now(), now())`,
    );
    await redis.set(cached('cache:', 'backups_retention_period'), 'rails-entry');

    const before = await readRetentionSettings();
    if (!before.ok) throw new Error(JSON.stringify(before.error));
    expect(before.schema).toBe('var-unique');
    expect(before.settings[2]).toMatchObject({ name: 'backups_retention_period', source: 'stored', raw: "--- ''\n" });
    expect(before.settings[2]!.days).toBeUndefined();
    expect(before.settings[2]!.ignored).toMatch(/cleared/);

    const result = await changeRetentionSetting({ setting: 'backups_retention_period', days: 7, from: 'off' });
    expect(result.rowsWritten).toEqual([
      { var: 'backups_retention_period', value: '--- 7\n', how: 'updated', rows: 1 },
    ]);
    expect(result.cache).toMatchObject({
      prefix: 'cache:',
      removedFirst: [cached('cache:', 'backups_retention_period')],
    });
    expect((await rows(DB44, 'backups_retention_period')).map((row) => row.value)).toEqual(['--- 7\n']);
    expect(await redis.exists(cached('cache:', 'backups_retention_period'))).toBe(0);

    // And a row where there was none: the remote content period, inserted by ON CONFLICT's insert branch.
    const content = await changeRetentionSetting({
      setting: 'content_cache_retention_period',
      days: 90,
      from: 'default',
    });
    expect(content.rowsWritten[0]).toMatchObject({ how: 'inserted', value: '--- 90\n' });
    expect((await rows(DB44, 'content_cache_retention_period')).map((row) => row.value)).toEqual(['--- 90\n']);
  });
});
