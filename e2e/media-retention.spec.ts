import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import pg from 'pg';

import { auditRows } from '../test/support/next-build';
import { createOwnMastodonDatabase, dropOwnMastodonDatabase, ownDatabaseUrl } from '../test/support/own-database';
import { startServer, type RunningServer } from '../test/support/server';
import { ownProjectEnv } from '../test/support/testbed';
import { testbed } from './support/docker';
import { signIn } from './support/session';

/**
 * The Media page of a second server that watches a project of this spec's own (a 4.3.17 stand-in), on a database of
 * this spec's own
 * (retention_e2e, made as mastodon_43 is) and the Rails cache in Redis db 12, so no other suite's rows or keys are
 * touched. The e2e server keeps watching mdtest.
 */
const run = promisify(execFile);
const PROJECT = `mdrete${Date.now().toString(36).slice(-4)}`;
const DATABASE = 'retention_e2e';
const MEDIA_ON_HOST = path.join(path.dirname(testbed.mastodonDir), PROJECT, 'public/system');
const CACHE_BYTES = 2 * 1024 * 1024;
let server: RunningServer;

function emptyMediaFolder(): void {
  for (const entry of readdirSync(MEDIA_ON_HOST))
    rmSync(path.join(MEDIA_ON_HOST, entry), { recursive: true, force: true });
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--version', '4.3.17'], { timeout: 240_000 });
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', PROJECT, '120'], { timeout: 180_000 });
  createOwnMastodonDatabase(DATABASE, '43');
  emptyMediaFolder();
  const remote = path.join(MEDIA_ON_HOST, 'cache/media_attachments/files/109/000/001/original');
  mkdirSync(remote, { recursive: true });
  writeFileSync(path.join(remote, 'a.jpg'), randomBytes(CACHE_BYTES));
  server = await startServer({
    ...ownProjectEnv(testbed, PROJECT),
    DASHBOARD_PASSWORD: 'retention-e2e-password-long',
    DATABASE_URL: ownDatabaseUrl(testbed.pgUrl43, DATABASE),
    CACHE_REDIS_URL: testbed.redisUrl.replace(/\/\d+$/, '/12'),
  });
});

test.afterAll(async () => {
  await server?.stop();
  dropOwnMastodonDatabase(DATABASE);
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(path.dirname(MEDIA_ON_HOST), { recursive: true, force: true });
});

test('shows where the media space goes, and sets the media cache period by one click', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await signIn(context, server.dataDir);
  const page = await context.newPage();
  await page.goto(`${server.origin}/media`);

  // The breakdown arrives once du has run in the project's web container (the section asks every 5 s meanwhile).
  const cache = page.getByTestId('media-part-cache');
  await expect(cache).toBeVisible({ timeout: 30_000 });
  expect(Number(await cache.getAttribute('data-bytes'))).toBeGreaterThanOrEqual(CACHE_BYTES);
  await expect(cache).toContainText('2.0 MiB');
  await expect(page.getByTestId('media-part-media_attachments')).toContainText('none');

  const media = page.getByTestId('retention-media_cache_retention_period');
  await expect(media).toHaveAttribute('data-state', 'default');
  await expect(page.getByTestId('retention-media_cache_retention_period-value')).toHaveText(
    'Never deleted (not set; Mastodon’s default)',
  );
  await expect(page.getByTestId('retention-backups_retention_period-value')).toHaveText(
    '7 days (Mastodon’s default; not set)',
  );
  // The section passes the same axe rules as every page (e2e/a11y.spec.ts), in both themes.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const axe = await new AxeBuilder({ page })
      .include('[data-testid="media-storage"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze();
    expect(axe.violations.map((violation) => `${colorScheme}: ${violation.id}: ${violation.help}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  // The remote content period is offered, never preselected: an empty field and an unticked confirmation.
  await expect(page.getByTestId('retention-content_cache_retention_period-days')).toHaveValue('');
  await expect(page.getByTestId('retention-content_cache_retention_period-understood')).not.toBeChecked();

  await page.getByTestId('retention-media_cache_retention_period-set').click();
  await expect(page.getByTestId('retention-media_cache_retention_period-done')).toContainText('Saved (audit record #');
  await expect(page.getByTestId('retention-media_cache_retention_period-value')).toHaveText('14 days');
  await expect(media).toHaveAttribute('data-state', '14');
  await page.screenshot({ path: 'e2e/artifacts/media-retention.png', fullPage: true });

  const db = new pg.Client({ connectionString: ownDatabaseUrl(testbed.pgUrl43, DATABASE) });
  await db.connect();
  try {
    const rows = await db.query(
      "SELECT value FROM settings WHERE var = 'media_cache_retention_period' AND thing_type IS NULL AND thing_id IS NULL",
    );
    expect(rows.rows).toEqual([{ value: '--- 14\n' }]);
  } finally {
    await db.end();
  }
  const audited = auditRows(server.dataDir).filter((row) => row.action === 'settings.retention_changed');
  expect(audited.map((row) => [row.outcome, row.target])).toEqual([['succeeded', 'media_cache_retention_period']]);
  expect(JSON.parse(audited[0]!.params)).toEqual({ setting: 'media_cache_retention_period', from: 'default', to: 14 });

  // Read again from Postgres on a fresh load: the value stays, and no button is offered any more.
  await page.reload();
  await expect(page.getByTestId('retention-media_cache_retention_period-value')).toHaveText('14 days');
  await expect(page.getByTestId('retention-media_cache_retention_period-set')).toHaveCount(0);
  await context.close();
});
