import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mediaFindings } from '@/lib/attention/detectors/media';
import { DETECTORS } from '@/lib/attention/registry';
import { newDetectorMemory, runDetectors } from '@/lib/attention/run';
import type { AttentionFinding, AttentionReport } from '@/lib/attention/types';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { diagnoseMediaPermissions } from '@/lib/mastodon/media-permissions';
import { resetPostgresForTesting } from '@/lib/postgres/client';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';
import { english } from '../../support/rendered-texts';
import { ownProjectEnv, readTestbed } from '../../support/testbed';

/**
 * The registry against a compose project of its own (scripts/testbed/project.sh), so that stopping its containers
 * and changing its media folder disturbs no other suite. Its media folder is root-owned, as Docker creates a
 * missing bind-mount source, and the stand-in web logs Errno::EACCES while it is.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const PROJECT = 'mdattn';
const WEB = `${PROJECT}-web-1`;
const STREAMING = `${PROJECT}-streaming-1`;
const FOLDER = '/opt/mastodon/public/system';

const docker = async (...args: string[]) =>
  (await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } })).stdout.trim();
const project = (...args: string[]) => run('bash', ['scripts/testbed/project.sh', ...args], { maxBuffer: 1 << 24 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function useConfig(extra: Record<string, string> = {}): Promise<void> {
  await resetPostgresForTesting();
  setConfigForTesting(
    loadConfig({ env: { DOCKER_HOST: testbed.dockerHost, ...ownProjectEnv(testbed, PROJECT), ...extra } }),
  );
}

/** Every detector, fresh (no remembered results), as the home page's first render runs them. */
const check = (): Promise<AttentionReport> => runDetectors(DETECTORS, { memory: newDetectorMemory() });
// Findings carry Texts: rendered in English, the words the assertions name.
const byKey = (report: AttentionReport, key: string) =>
  english(report.findings.find((finding: AttentionFinding) => finding.key === key));

async function until(report: () => Promise<AttentionReport>, done: (r: AttentionReport) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last = await report();
  while (!done(last) && Date.now() < deadline) {
    await sleep(1_000);
    last = await report();
  }
  return last;
}

// The media detector reads the recent jobs (a fix's end); they come from a store of this file's own.
let dataDir: string;
let store: Store;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'mastodash-attention-'));
  store = openStore(dataDir);
  setStoreForTesting(store);
  await project('up', PROJECT);
  await project('wait-healthy', PROJECT, '180');
  await docker('exec', '-u', '0', WEB, 'chown', '0:0', '--', FOLDER);
  await docker('exec', '-u', '0', WEB, 'chmod', '755', '--', FOLDER);
  await useConfig();
}, 300_000);

afterAll(async () => {
  await resetPostgresForTesting();
  setConfigForTesting(undefined);
  setStoreForTesting(undefined);
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  await project('down', PROJECT);
}, 120_000);

describe('the registry against the test bed', () => {
  it('names the root-owned media folder, critical, with Fix ownership, as the Media page does', async () => {
    // The stand-in logs the EACCES line every few seconds while the folder is not writable.
    const report = await until(check, (r) => /Errno::EACCES/.test(byKey(r, 'media.broken')?.evidence ?? ''));
    const media = byKey(report, 'media.broken');
    expect(media).toMatchObject({
      detector: 'media',
      severity: 'critical',
      fix: { kind: 'media-ownership', container: WEB, path: '/mastodon/public/system', owner: '991:991' },
    });
    expect(media!.evidence).toMatch(new RegExp(`Errno::EACCES lines? in ${WEB}'s log`));
    expect(report.findings[0]!.severity).toBe('critical');
    // The test bed's images carry one migration schema_migrations lacks.
    expect(byKey(report, 'migrations.pending')).toMatchObject({ severity: 'warning' });

    const page = mediaFindings(await diagnoseMediaPermissions());
    expect(page.map((f) => [f.key, f.severity, f.fix])).toEqual([[media!.key, media!.severity, media!.fix]]);
  });

  it('drops the media finding once the folder belongs to Mastodon', async () => {
    await docker('exec', '-u', '0', WEB, 'chown', '991:991', '--', FOLDER);
    try {
      const report = await check();
      expect(report.findings.filter((f) => f.detector === 'media')).toEqual([]);
      expect(report.clear).toContain('media');
    } finally {
      await docker('exec', '-u', '0', WEB, 'chown', '0:0', '--', FOLDER);
    }
  });

  it('reports a stopped streaming as a stopped container with its restart, not as "not answering"', async () => {
    await docker('stop', '--time', '2', STREAMING);
    try {
      const report = await until(check, (r) => byKey(r, `container.stopped:${STREAMING}`) !== undefined);
      expect(byKey(report, `container.stopped:${STREAMING}`)).toMatchObject({
        severity: 'critical',
        title: 'streaming is exited',
        fix: { kind: 'restart', container: STREAMING, service: 'streaming' },
      });
      expect(report.findings.filter((f) => f.key.startsWith('service.not-answering'))).toEqual([]);
    } finally {
      await docker('start', STREAMING);
    }
    const after = await until(check, (r) => byKey(r, `container.stopped:${STREAMING}`) === undefined);
    expect(byKey(after, `container.stopped:${STREAMING}`)).toBeUndefined();
  });

  it('says a detector could not look when its backend is down, and still reports the others', async () => {
    // Nothing listens on port 1: Redis (Sidekiq) and Postgres (migrations, moderation) fail at once.
    await useConfig({ REDIS_URL: 'redis://127.0.0.1:1/0', DATABASE_URL: 'postgres://mastodon:x@127.0.0.1:1/none' });
    try {
      const report = await check();
      expect(byKey(report, 'sidekiq.unchecked')).toMatchObject({ severity: 'warning', title: 'Cannot check Sidekiq' });
      expect(byKey(report, 'moderation.unchecked')).toMatchObject({ title: 'Cannot check sign-ups and reports' });
      expect(report.clear).not.toContain('sidekiq');
      expect(byKey(report, 'media.broken')).toBeDefined();
    } finally {
      await useConfig();
    }
  });
});
