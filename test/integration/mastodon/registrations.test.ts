import path from 'node:path';

import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { inEnglish } from '@/lib/i18n/english';
import { changeRegistrationMode, readRegistrationSettings } from '@/lib/mastodon/registrations';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { resetRedisForTesting } from '@/lib/redis/client';
import { text } from '@/lib/i18n/text';
import { SETTINGS_CACHE_DIGEST } from '../../../scripts/testbed/seed/redis-model.mjs';
import { readTestbed } from '../../support/testbed';

/**
 * The registration change against the real test bed, on both settings shapes: mdtest (4.3.17,
 * mastodon_43, thing_type columns, a `--- approved` row and a per-user row) and mdother (4.4.4,
 * mastodon_44, unique var, no registrations_mode row). Every row and cache key touched is put back.
 */
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);
const VARS = ['registrations_mode', 'require_invite_text', 'closed_registrations_message'];
const NAMESPACE = 'mastodon_ns';
const cacheKey = (prefix: string, name: string) => `${prefix}rails_settings_cached/${SETTINGS_CACHE_DIGEST}/${name}`;
const INSTANCE_KEY = (prefix: string) =>
  `${prefix}api/v2/instances/show:instancepresenter/instancepresenter-20260101000000`;

let redis: Redis;

async function configure(project: string, extra: Record<string, string> = {}): Promise<void> {
  await resetPostgresForTesting();
  await resetRedisForTesting();
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: project,
        MASTODON_DIR: path.join(projectsDir, project),
        ...extra,
      },
    }),
  );
}

interface SettingsRow {
  id: string;
  var: string;
  value: string | null;
  thing_type?: string | null;
  thing_id?: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

/** Snapshot of every settings row (to restore ours exactly and to prove others untouched). */
async function allRows(db: pg.Client): Promise<SettingsRow[]> {
  return (await db.query('SELECT * FROM settings ORDER BY id')).rows as SettingsRow[];
}

async function restoreRows(db: pg.Client, snapshot: SettingsRow[], legacy: boolean): Promise<void> {
  const ours = snapshot.filter(
    (row) => VARS.includes(row.var) && (!legacy || (row.thing_type === null && row.thing_id === null)),
  );
  await db.query('BEGIN');
  await db.query(
    `DELETE FROM settings WHERE var = ANY($1)${legacy ? ' AND thing_type IS NULL AND thing_id IS NULL' : ''}`,
    [VARS],
  );
  for (const row of ours) {
    if (legacy) {
      await db.query(
        'INSERT INTO settings (id, var, value, thing_type, thing_id, created_at, updated_at) ' +
          'VALUES ($1, $2, $3, NULL, NULL, $4, $5)',
        [row.id, row.var, row.value, row.created_at, row.updated_at],
      );
    } else {
      await db.query('INSERT INTO settings (id, var, value, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)', [
        row.id,
        row.var,
        row.value,
        row.created_at,
        row.updated_at,
      ]);
    }
  }
  await db.query('COMMIT');
}

async function siteRows(db: pg.Client, name: string, legacy: boolean): Promise<{ value: string | null }[]> {
  const filter = legacy ? ' AND thing_type IS NULL AND thing_id IS NULL' : '';
  return (await db.query(`SELECT value FROM settings WHERE var = $1${filter}`, [name])).rows as {
    value: string | null;
  }[];
}

/** Redis keys this file may touch, dumped before and restored after (other suites rely on the seeded ones). */
const CACHE_PATTERNS = [
  'cache:rails_settings_cached/*',
  `${NAMESPACE}_cache:rails_settings_cached/*`,
  'cache:api/v*/instances/show*',
  `${NAMESPACE}_cache:api/v*/instances/show*`,
];
let redisSnapshot: { key: string; dump: Buffer; ttl: number }[] = [];

async function scanAll(pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

beforeAll(async () => {
  redis = new Redis(testbed.redisUrl);
  for (const pattern of CACHE_PATTERNS) {
    for (const key of await scanAll(pattern)) {
      const dump = await redis.dumpBuffer(key);
      if (dump) redisSnapshot.push({ key, dump, ttl: await redis.pttl(key) });
    }
  }
});

afterAll(async () => {
  for (const pattern of CACHE_PATTERNS) for (const key of await scanAll(pattern)) await redis.unlink(key);
  for (const { key, dump, ttl } of redisSnapshot) await redis.restore(key, ttl > 0 ? ttl : 0, dump, 'REPLACE');
  redisSnapshot = [];
  redis.disconnect();
  await resetPostgresForTesting();
  await resetRedisForTesting();
  setConfigForTesting(undefined);
});

describe('registrations on the 4.0–4.3 settings shape (mdtest, 4.3.17, mastodon_43)', () => {
  let db: pg.Client;
  let snapshot: SettingsRow[];

  beforeAll(async () => {
    db = new pg.Client({ connectionString: testbed.pgUrl43 });
    await db.connect();
    snapshot = await allRows(db);
    expect(snapshot.some((row) => row.thing_type === 'User')).toBe(true);
  });

  afterEach(async () => {
    await restoreRows(db, snapshot, true);
    await configure(testbed.project);
  });

  afterAll(async () => {
    await restoreRows(db, snapshot, true);
    expect(await allRows(db)).toEqual(snapshot);
    await db.end();
  });

  it('reads the stored mode, the schema and the version', async () => {
    await configure(testbed.project);
    const report = await readRegistrationSettings();
    expect(report.postgresError).toBeUndefined();
    expect(report.version.version?.text).toBe('4.3.17');
    expect(report.settings).toMatchObject({
      schema: 'thing-columns',
      mode: { source: 'stored', mode: 'approved', raw: '--- approved\n' },
      requireInviteText: { source: 'stored', value: false },
      closedRegistrationsMessage: { source: 'default', value: '' },
      effective: 'approved',
    });
    expect(report.cache).toMatchObject({ ok: true, prefix: 'cache:' });
  });

  it('changes the site-wide row, drops its cache key, leaves the per-user row and other keys', async () => {
    await configure(testbed.project);
    await redis.set(cacheKey('cache:', 'registrations_mode'), 'stale');
    await redis.set(cacheKey(`${NAMESPACE}_cache:`, 'registrations_mode'), 'other deployment');
    await redis.set(INSTANCE_KEY('cache:'), '{"registrations":{}}');
    const userRowsBefore = (await allRows(db)).filter((row) => row.thing_type !== null);

    const result = await changeRegistrationMode({ mode: 'open', from: 'approved' });

    expect(await siteRows(db, 'registrations_mode', true)).toEqual([{ value: '--- open\n' }]);
    expect(result.rowsWritten).toEqual([{ var: 'registrations_mode', value: '--- open\n', how: 'updated', rows: 1 }]);
    expect(await redis.exists(cacheKey('cache:', 'registrations_mode'))).toBe(0);
    expect(await redis.exists(INSTANCE_KEY('cache:'))).toBe(0);
    expect(result.cache).toMatchObject({
      prefix: 'cache:',
      removedFirst: expect.arrayContaining([cacheKey('cache:', 'registrations_mode'), INSTANCE_KEY('cache:')]),
    });
    // Not ours: another namespace, another setting.
    expect(await redis.get(cacheKey(`${NAMESPACE}_cache:`, 'registrations_mode'))).toBe('other deployment');
    expect(await redis.exists(cacheKey('cache:', 'site_title'))).toBe(1);
    expect((await allRows(db)).filter((row) => row.thing_type !== null)).toEqual(userRowsBefore);
    // Read back from Postgres.
    expect(result.before?.mode.mode).toBe('approved');
    expect(result.after.settings?.mode).toMatchObject({ source: 'stored', mode: 'open' });
    expect(result.after.settings?.overrides.map((o) => o.code)).toEqual(['auto_switch_to_approved']);
  });

  it('writes require_invite_text with approved, and inserts a missing row (update, then insert)', async () => {
    await configure(testbed.project);
    await db.query("DELETE FROM settings WHERE var = 'registrations_mode' AND thing_type IS NULL AND thing_id IS NULL");
    await redis.set(cacheKey('cache:', 'require_invite_text'), 'stale');
    const before = await readRegistrationSettings();
    expect(before.settings?.mode).toEqual({ source: 'default', mode: 'none' });

    const result = await changeRegistrationMode({ mode: 'approved', requireReason: true, from: 'none' });

    expect(result.rowsWritten).toEqual([
      { var: 'registrations_mode', value: '--- approved\n', how: 'inserted', rows: 1 },
      { var: 'require_invite_text', value: '--- true\n', how: 'updated', rows: 1 },
    ]);
    expect(await siteRows(db, 'registrations_mode', true)).toEqual([{ value: '--- approved\n' }]);
    expect(await siteRows(db, 'require_invite_text', true)).toEqual([{ value: '--- true\n' }]);
    expect(await redis.exists(cacheKey('cache:', 'require_invite_text'))).toBe(0);
    expect(result.after.settings?.requireInviteText).toMatchObject({ source: 'stored', value: true });
  });

  it('uses the <REDIS_NAMESPACE>_cache: prefix when REDIS_NAMESPACE is set', async () => {
    await configure(testbed.project, { REDIS_NAMESPACE: NAMESPACE });
    await redis.set(cacheKey(`${NAMESPACE}_cache:`, 'registrations_mode'), 'stale');
    await redis.set(cacheKey('cache:', 'registrations_mode'), 'not this one');

    const result = await changeRegistrationMode({ mode: 'none' });

    expect(await siteRows(db, 'registrations_mode', true)).toEqual([{ value: '--- none\n' }]);
    expect(await redis.exists(cacheKey(`${NAMESPACE}_cache:`, 'registrations_mode'))).toBe(0);
    expect(await redis.get(cacheKey('cache:', 'registrations_mode'))).toBe('not this one');
    expect(result.cache).toMatchObject({
      prefix: `${NAMESPACE}_cache:`,
      removedFirst: [cacheKey(`${NAMESPACE}_cache:`, 'registrations_mode')],
    });
    expect(result.after.settings?.effective).toBe('closed');
  });

  it('deletes again a second later, catching a stale value written back after the first delete', async () => {
    await configure(testbed.project);
    const running = changeRegistrationMode({ mode: 'open' });
    const started = Date.now();
    while ((await siteRows(db, 'registrations_mode', true))[0]?.value !== '--- open\n') {
      if (Date.now() - started > 5_000) throw new Error('the row never changed');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    // What a request that read the old row before the commit would write back.
    await redis.set(cacheKey('cache:', 'registrations_mode'), 'stale approved');
    const result = await running;
    expect(await redis.exists(cacheKey('cache:', 'registrations_mode'))).toBe(0);
    expect(result.cache).toMatchObject({ removedSecond: [cacheKey('cache:', 'registrations_mode')] });
  });

  it('refuses when the stored mode is not the one the page showed, writing nothing', async () => {
    await configure(testbed.project);
    await expect(changeRegistrationMode({ mode: 'none', from: 'open' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await siteRows(db, 'registrations_mode', true)).toEqual([{ value: '--- approved\n' }]);
  });

  it('still answers, naming the fault, when Postgres and Redis are down', async () => {
    await configure(testbed.project, { DB_PORT: '1', REDIS_PORT: '1' });
    const report = await readRegistrationSettings();
    expect(report.settings).toBeUndefined();
    expect(report.postgresError).toMatchObject({
      code: 'postgres_unreachable',
      title: text('vitals.errors.postgres.down.title'),
    });
    expect(report.cache).toMatchObject({
      ok: false,
      error: {
        code: 'redis_unreachable',
        title: text('vitals.errors.redis.down.title', { name: text('vitals.errors.redis.name.cache') }),
      },
    });
    await expect(changeRegistrationMode({ mode: 'open' })).rejects.toMatchObject({
      title: text('vitals.errors.postgres.down.title'),
    });
  });

  it('keeps a password in a URL that Postgres echoes out of the error', async () => {
    // A startup option Postgres refuses comes back quoted in its error, so a URL in it reaches the message.
    const secret = 'leaked-pw-42';
    const echoed = `postgres://mastodon:${secret}@db.example:5432/mastodon`;
    const url = new URL(testbed.pgUrl43);
    url.searchParams.set('options', `-c TimeZone=${echoed}`);
    await configure(testbed.project, { DATABASE_URL: url.toString() });

    const report = await readRegistrationSettings();
    expect(inEnglish(report.postgresError?.detail ?? '')).toContain('TimeZone');
    expect(JSON.stringify(report)).not.toContain(secret);

    // The action wrapper audits `${title}: ${detail}` of the error thrown here.
    const thrown = await changeRegistrationMode({ mode: 'open' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(AppError);
    const view = (thrown as AppError).toView();
    expect(inEnglish(view.detail)).toContain('TimeZone');
    expect(JSON.stringify(view)).not.toContain(secret);
    expect((thrown as AppError).message).not.toContain(secret);
  });
});

describe('registrations on the 4.4+ settings shape (mdother, 4.4.4, mastodon_44)', () => {
  let db: pg.Client;
  let snapshot: SettingsRow[];

  beforeAll(async () => {
    db = new pg.Client({ connectionString: testbed.pgUrl44 });
    await db.connect();
    snapshot = await allRows(db);
  });

  afterAll(async () => {
    await restoreRows(db, snapshot, false);
    expect(await allRows(db)).toEqual(snapshot);
    await db.end();
  });

  it('shows the 4.3+ default (closed) when no row exists', async () => {
    await configure(testbed.otherProject);
    const report = await readRegistrationSettings();
    expect(report.version.version?.text).toBe('4.4.4');
    expect(report.settings).toMatchObject({
      schema: 'var-unique',
      mode: { source: 'default', mode: 'none' },
      effective: 'closed',
    });
  });

  it('inserts, then updates via ON CONFLICT (var); drops the key under cache: despite REDIS_NAMESPACE', async () => {
    await configure(testbed.otherProject, { REDIS_NAMESPACE: NAMESPACE });
    await redis.set(cacheKey('cache:', 'registrations_mode'), 'stale');

    const first = await changeRegistrationMode({ mode: 'approved', requireReason: false, from: 'none' });
    expect(first.rowsWritten).toEqual([
      { var: 'registrations_mode', value: '--- approved\n', how: 'inserted', rows: 1 },
      { var: 'require_invite_text', value: '--- false\n', how: 'inserted', rows: 1 },
    ]);
    expect(await redis.exists(cacheKey('cache:', 'registrations_mode'))).toBe(0);
    expect(first.cache).toMatchObject({ prefix: 'cache:' });

    await redis.set(cacheKey('cache:', 'registrations_mode'), 'stale again');
    const second = await changeRegistrationMode({ mode: 'open', from: 'approved' });
    expect(second.rowsWritten).toEqual([{ var: 'registrations_mode', value: '--- open\n', how: 'updated', rows: 1 }]);
    expect(await siteRows(db, 'registrations_mode', false)).toEqual([{ value: '--- open\n' }]);
    expect(await redis.exists(cacheKey('cache:', 'registrations_mode'))).toBe(0);
    expect(second.after.settings?.mode).toMatchObject({ source: 'stored', mode: 'open' });
    expect(second.after.settings?.requireInviteText).toMatchObject({ source: 'stored', value: false });
    // Other rows are untouched.
    expect((await allRows(db)).filter((row) => !VARS.includes(row.var))).toEqual(
      snapshot.filter((row) => !VARS.includes(row.var)),
    );
  });
});
