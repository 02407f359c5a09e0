import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { expect, test } from '@playwright/test';

import { startServer, type RunningServer } from '../test/support/server';
import { ownProjectEnv } from '../test/support/testbed';
import { testbed } from './support/docker';
import { signIn } from './support/session';

/**
 * "Free disk space" on the Media page, against a compose project of its own (Mastodon 4.3.17) watched by a second
 * server: the dry run's announcement, then the real run, which frees that size from the project's media folder.
 */
const run = promisify(execFile);
const PROJECT = 'cleanup-e2e';
const PROJECT_DIR = path.join(path.dirname(testbed.mastodonDir), PROJECT);
const MEDIA = path.join(PROJECT_DIR, 'public/system');
const DAY_MS = 86_400_000;
const OLD = [
  'cache/media_attachments/files/109/000/000/000/000/011/original/a.png',
  'cache/media_attachments/files/109/000/000/000/000/012/original/b.png',
] as const;
const FRESH = 'cache/media_attachments/files/109/000/000/000/000/013/original/c.png';

async function projectSh(...args: string[]): Promise<void> {
  await run('bash', ['scripts/testbed/project.sh', ...args], { timeout: 240_000 });
}

function plant(relative: string, bytes: number, ageDays: number): void {
  const file = path.join(MEDIA, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes, 3));
  const at = new Date(Date.now() - ageDays * DAY_MS);
  utimesSync(file, at, at);
}

/** Owned by Mastodon's uid and gid (991), as its uploads are. */
function ownAll(folder: string): void {
  chownSync(folder, 991, 991);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) ownAll(full);
    else chownSync(full, 991, 991);
  }
}

function bytesUnder(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    total += entry.isDirectory() ? bytesUnder(full) : statSync(full).size;
  }
  return total;
}

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await projectSh('up', PROJECT, '--version', '4.3.17');
  await projectSh('wait-healthy', PROJECT, '120');
  // The folder is the containers' bind mount: emptied, never replaced.
  for (const entry of readdirSync(MEDIA)) rmSync(path.join(MEDIA, entry), { recursive: true, force: true });
  plant(OLD[0], 700_000, 30);
  plant(OLD[1], 200_000, 9);
  plant(FRESH, 100_000, 1);
  ownAll(MEDIA);
});

test.afterAll(async () => {
  await projectSh('down', PROJECT).catch(() => undefined);
  rmSync(PROJECT_DIR, { recursive: true, force: true });
});

test('Free disk space: the dry run announces the size, Remove frees it', async ({ browser }) => {
  let server: RunningServer | undefined;
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    server = await startServer({ DASHBOARD_PASSWORD: 'cleanup-e2e-password-long', ...ownProjectEnv(testbed, PROJECT) });
    await signIn(context, server.dataDir);
    const page = await context.newPage();
    await page.goto(`${server.origin}/media`);
    const card = page.getByTestId('cleanup-media-remove');
    await expect(card).toBeVisible();
    await card.getByTestId('cleanup-media-remove-days').fill('7');
    await card.getByTestId('cleanup-media-remove-preview').click();

    const announced = card.getByTestId('cleanup-media-remove-announced');
    await expect(announced).toContainText('Would free approx. 879 KB (2 media attachments, older than 7 days)', {
      timeout: 60_000,
    });
    await expect(card.getByTestId('job')).toHaveAttribute('data-status', 'succeeded');
    for (const file of [...OLD, FRESH]) expect(existsSync(path.join(MEDIA, file)), file).toBe(true);
    const before = bytesUnder(MEDIA);
    await page.screenshot({ path: 'e2e/artifacts/media-cleanup-dry-run.png', fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept());
    await announced.getByTestId('cleanup-media-remove-remove').click();
    await expect(card.getByTestId('cleanup-media-remove-freed')).toHaveText(
      'Freed approx. 879 KB (2 media attachments).',
      { timeout: 60_000 },
    );
    for (const file of OLD) expect(existsSync(path.join(MEDIA, file)), file).toBe(false);
    expect(existsSync(path.join(MEDIA, FRESH))).toBe(true);
    // 879 KB is 900 000 bytes to three significant digits: the disk gained that, give or take half a KB.
    expect(Math.abs(before - bytesUnder(MEDIA) - 879 * 1024)).toBeLessThanOrEqual(512);
    await page.screenshot({ path: 'e2e/artifacts/media-cleanup-freed.png', fullPage: true });
  } finally {
    await context.close();
    await server?.stop();
  }
});
