import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { expect, test, type BrowserContext, type Page } from '@playwright/test';

import { auditRows, callAction, plantSession } from '../test/support/next-build';
import { startServer, type RunningServer } from '../test/support/server';
import { signIn } from './support/session';

/**
 * The Backups page (issue 19) against a compose project whose db service is a real Postgres 15
 * (`project.sh up … --db real`): "Back up now" with its progress, the backup listed as verified, "already running"
 * for a second start, the restore commands with the project's real names, and a download after the password.
 * A server of its own, so that the shared e2e server's project (mdtest, a stand-in db) is left alone.
 */
const run = promisify(execFile);
const PROJECT = `backupspage-e${Date.now().toString(36).slice(-3)}`;
const PROJECT_DIR = `/var/lib/mastodash-testbed/projects/${PROJECT}`;
const PASSWORD = 'backups-e2e-password-long';

let server: RunningServer;
let backupDir: string;
let context: BrowserContext;
let page: Page;

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  await run('bash', ['scripts/testbed/project.sh', 'up', PROJECT, '--version', '4.3.17', '--db', 'real'], {
    timeout: 240_000,
  });
  await run('bash', ['scripts/testbed/project.sh', 'wait-healthy', PROJECT, '120'], { timeout: 180_000 });
  backupDir = mkdtempSync(path.join(tmpdir(), 'mastodash-e2e-backups-'));
  server = await startServer({
    COMPOSE_PROJECT: PROJECT,
    MASTODON_DIR: PROJECT_DIR,
    BACKUP_DIR: backupDir,
    DASHBOARD_PASSWORD: PASSWORD,
  });
  context = await browser.newContext({ storageState: { cookies: [], origins: [] }, acceptDownloads: true });
  // Logged in an hour ago: taking a backup needs no recent login, downloading one does.
  await signIn(context, server.dataDir, { authenticatedAgoMs: 60 * 60_000 });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await server?.stop();
  await run('bash', ['scripts/testbed/project.sh', 'down', PROJECT]).catch(() => undefined);
  rmSync(PROJECT_DIR, { recursive: true, force: true });
  if (backupDir) rmSync(backupDir, { recursive: true, force: true });
});

test('Back up now shows the job, refuses a second start while it runs, and lists the backup as verified', async () => {
  await page.goto(`${server.origin}/backups`);
  await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
  await expect(page.getByTestId('backups-empty')).toBeVisible();
  await expect(page.getByTestId('backup-dir')).toContainText(backupDir);
  // BACKUP_SCHEDULE's default, 03:30 server time, and when it fires next.
  await expect(page.getByTestId('backup-schedule')).toHaveText(
    /^03:30 \(.+, the server’s time\); next: .+ \((in \d.*|soon)\)$/,
  );

  await page.getByTestId('backup-now').click();
  const job = page.getByTestId('backup-job').getByTestId('job');
  await expect(job).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('backup-now')).toBeDisabled();
  // A second start while the first runs (another tab, or the schedule) is refused by the same lock.
  const { cookie } = plantSession(server.dataDir);
  const second = await callAction(server.port, 'backUpNowAction', [{}], { cookie });
  expect(second.body).toContain('Already running');

  await expect(job).toContainText('Dumping the database');
  await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
  await expect(job).toContainText('Restoring into the scratch database');
  await expect(job).toContainText('Verified');

  const backup = page.getByTestId('backup');
  await expect(backup).toHaveCount(1);
  await expect(backup).toHaveAttribute('data-state', 'verified');
  await expect(backup.getByTestId('backup-verification')).toHaveText(/Verified/);
  await expect(backup.getByTestId('backup-verification-detail')).toContainText(
    /Restored into mastodash_verify_\d{8}t\d{6}: \d+ accounts, \d+ users, \d+ statuses, \d+ media_attachments\./,
  );
  await expect(backup).toContainText('4.3.17');
  await expect(backup).toContainText('Back up now');
  expect(readdirSync(backupDir)).toHaveLength(1);
  const created = auditRows(server.dataDir).filter((row) => row.action === 'backup.created');
  expect(created.map((row) => row.outcome)).toEqual(['succeeded']);
  await page.screenshot({ path: 'e2e/artifacts/backups-verified.png', fullPage: true });
});

test('the restore commands name the project, its db service, database and role, and the backup’s folder', async () => {
  const name = readdirSync(backupDir)[0]!;
  const backup = page.getByTestId('backup');
  await backup.getByText('Restore commands').click();
  const commands = backup.getByTestId('restore-commands');
  await expect(commands).toContainText(`cd ${path.join(backupDir, name)} && sha256sum -c SHA256SUMS`);
  await expect(commands).toContainText(`cd ${PROJECT_DIR}`);
  await expect(commands).toContainText(`docker compose -p ${PROJECT} stop sidekiq streaming web`);
  await expect(commands).toContainText(
    `docker compose -p ${PROJECT} exec -T db pg_restore -U postgres -d mastodon_production --no-owner ` +
      `--no-privileges --exit-on-error < ${path.join(backupDir, name, 'mastodon.dump')}`,
  );
  await expect(page.getByTestId('media-command')).toContainText(
    `rsync -a --delete --exclude cache/ ${PROJECT_DIR}/public/system/ ${backupDir}/media/`,
  );
});

test('downloading the dump asks for the password, then streams the file that SHA256SUMS names', async () => {
  const name = readdirSync(backupDir)[0]!;
  await page.getByTestId('backup').getByRole('link', { name: 'mastodon.dump' }).click();
  await expect(page).toHaveURL(/\/backups\/confirm\?backup=.*&file=mastodon\.dump$/);
  await page.getByLabel('Password').fill(PASSWORD);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('download-confirm-submit').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('mastodon.dump');
  const saved = path.join(backupDir, '..', `${path.basename(backupDir)}-download.dump`);
  await download.saveAs(saved);
  try {
    const sha256 = createHash('sha256').update(readFileSync(saved)).digest('hex');
    const sums = readFileSync(path.join(backupDir, name, 'SHA256SUMS'), 'utf8');
    expect(sums).toContain(`${sha256}  mastodon.dump\n`);
  } finally {
    rmSync(saved, { force: true });
  }
  await expect
    .poll(() =>
      auditRows(server.dataDir)
        .filter((row) => row.action === 'backup.downloaded')
        .map((row) => row.outcome),
    )
    .toEqual(['succeeded']);
  expect(auditRows(server.dataDir).some((row) => row.action === 'auth.reauthenticated')).toBe(true);
});

test('the home page says how old the last verified backup is, and links to the Backups page', async () => {
  await page.goto(`${server.origin}/`);
  const line = page.getByTestId('last-backup');
  await expect(line).toHaveText(/^Last verified backup: (just now|\d+ min ago)$/);
  await expect(line).toHaveAttribute('data-state', 'recent');
  await line.getByRole('link').click();
  await expect(page).toHaveURL(/\/backups$/);
});
