import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, setConfigForTesting } from '@/lib/config';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import type { JobStep } from '@/lib/jobs/types';
import { diagnoseMediaPermissions, fixMediaPermissions } from '@/lib/mastodon/media-permissions';
import type { MediaFixResult } from '@/lib/mastodon/media-verdict';
import { readTestbed } from '../../support/testbed';

const run = promisify(execFile);
const testbed = readTestbed();
const WEB = `${testbed.project}-web-1`;
const FOLDER = '/opt/mastodon/public/system';
// Only this sub-folder is created (and removed) by the test; the folder itself is reset to the test
// bed's root:root 755.
const SCRATCH = `${FOLDER}/media-permissions-test`;
const FILES = 300;

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } });
  return stdout.trim();
}

const asRoot = (...argv: string[]) => docker('exec', '-u', '0', WEB, ...argv);

async function restoreTestbed(): Promise<void> {
  await asRoot('rm', '-rf', '--', SCRATCH);
  await asRoot('chown', '-R', '0:0', '--', FOLDER);
  await asRoot('chmod', '755', '--', FOLDER);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  setConfigForTesting(
    loadConfig({
      env: { DOCKER_HOST: testbed.dockerHost, COMPOSE_PROJECT: testbed.project, MASTODON_DIR: testbed.mastodonDir },
    }),
  );
  await restoreTestbed();
  // A few hundred entries, so that the fix has something to count and report progress on.
  await asRoot(
    'sh',
    '-c',
    `mkdir -p ${SCRATCH}/a ${SCRATCH}/b && for i in $(seq 1 ${FILES}); do : > ${SCRATCH}/f$i; done`,
  );
});

afterAll(async () => {
  try {
    await restoreTestbed();
  } finally {
    setConfigForTesting(undefined);
  }
});

describe('the media folder of the test bed (root-owned, as Docker creates a bind mount)', () => {
  it('is diagnosed as owned by 0:0, not 991:991, not writable, with the stand-in’s Errno::EACCES line', async () => {
    // The stand-in logs the error every 4 s while the folder is not writable; wait for one after the reset.
    let diagnosis = await diagnoseMediaPermissions();
    for (let i = 0; i < 15 && !diagnosis.evidence.log; i += 1) {
      await sleep(1000);
      diagnosis = await diagnoseMediaPermissions();
    }
    const { evidence, verdict } = diagnosis;
    expect(evidence).toMatchObject({
      container: WEB,
      path: '/mastodon/public/system',
      hostPath: `${testbed.mastodonDir}/public/system`,
      expected: { uid: 991, gid: 991 },
      expectedFrom: 'image',
      found: { uid: 0, gid: 0, user: 'root', group: 'root', mode: '755' },
      writable: false,
      s3Enabled: false,
    });
    expect(evidence.log?.line).toMatch(
      /Errno::EACCES.*Permission denied @ dir_s_mkdir - \/opt\/mastodon\/public\/system\/accounts/,
    );
    expect(Date.now() - Date.parse(evidence.log!.at)).toBeLessThan(60_000);
    expect(verdict.status).toBe('broken');
    expect(verdict.fixHelps).toBe(true);
    expect(verdict.logRelation).toBe('current');
    expect(verdict.problems.map((p) => inEnglish(p)).join('\n')).toContain(
      'belongs to 0:0 (root:root), but Mastodon runs as 991:991',
    );
    expect(verdict.problems.map((p) => inEnglish(p)).join('\n')).toContain('Errno::EACCES');
  });

  it('refuses to fix when the page showed another container or path, and changes nothing', async () => {
    await expect(
      fixMediaPermissions({ expect: { container: `${testbed.project}-sidekiq-1`, path: '/mastodon/public/system' } }),
    ).rejects.toMatchObject({
      code: 'conflict',
      title: { key: 'media.errors.folderChanged.title' },
    });
    await expect(fixMediaPermissions({ expect: { container: WEB, path: FOLDER } })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await asRoot('stat', '-c', '%u:%g', FOLDER)).toBe('0:0');
  });

  describe('the fix', () => {
    const steps: JobStep[] = [];
    let result: MediaFixResult;

    beforeAll(async () => {
      result = await fixMediaPermissions({
        expect: { container: WEB, path: '/mastodon/public/system' },
        progress: (step) => steps.push({ at: new Date().toISOString(), ...step }),
      });
    }, 120_000);

    it('chowns the whole tree to 991:991, as a separate stat shows', async () => {
      expect(await asRoot('stat', '-c', '%u:%g %U:%G', FOLDER)).toBe('991:991 mastodon:mastodon');
      expect(await asRoot('stat', '-c', '%u:%g', `${SCRATCH}/a`, `${SCRATCH}/f1`, `${SCRATCH}/f${FILES}`)).toBe(
        '991:991\n991:991\n991:991',
      );
      expect(await asRoot('find', FOLDER, '!', '-user', '991')).toBe('');
      expect(await asRoot('find', FOLDER, '!', '-group', '991')).toBe('');
    });

    it('counted the entries first and reported done/total from chown’s output', () => {
      // The folder, the scratch folder, a, b and the files (and anything else root-owned in the folder).
      expect(result.entriesToChange).toBeGreaterThanOrEqual(FILES + 4);
      expect(result.filesChanged).toBe(result.entriesToChange);
      expect(result).toMatchObject({
        container: WEB,
        path: '/mastodon/public/system',
        owner: '991:991',
        ownerBefore: '0:0',
      });
      const names = steps.map((s) => inEnglish(s.step));
      expect(names[0]).toBe('Checking the media folder');
      expect(names.indexOf('Counting entries under /mastodon/public/system not owned by 991:991')).toBeLessThan(
        names.indexOf('Changing the owner to 991:991'),
      );
      const counting = steps.filter((s) => inEnglish(s.step) === 'Changing the owner to 991:991');
      expect(counting[0]).toMatchObject({ done: 0, total: result.entriesToChange });
      expect(counting.at(-1)).toMatchObject({ done: result.entriesToChange, total: result.entriesToChange });
      expect(names.at(-1)).toBe('Done');
      expect(renderText(translatorFor('de'), steps.at(-1)!.step)).toBe('Fertig');
    });

    it('re-checks at once: writable, owner right, the old log lines predate the fix', () => {
      const { evidence, verdict } = result.after;
      expect(evidence.found).toMatchObject({ uid: 991, gid: 991 });
      expect(evidence.writable).toBe(true);
      expect(verdict.status).toBe('ok');
      expect(verdict.problems).toEqual([]);
      expect(verdict.fixHelps).toBe(false);
      // The earlier lines are still in the log's tail, but they are history now.
      expect(verdict.logRelation).toBe('before_fix');
      expect(verdict.notes.map((n) => inEnglish(n)).join('\n')).toMatch(/predates the fix at/);
    });

    it('stays fixed: the stand-in logs no new Errno::EACCES, and a fresh check (no fix time) says ok', async () => {
      // The stand-in would log the error every 4 s if it still could not write.
      await sleep(9_000);
      const later = await diagnoseMediaPermissions();
      expect(later.evidence.writable).toBe(true);
      if (later.evidence.log) expect(Date.parse(later.evidence.log.at)).toBeLessThanOrEqual(Date.parse(result.fixedAt));
      expect(later.verdict.status).toBe('ok');
      expect(later.verdict.problems).toEqual([]);
      // Without the fix time, the folder's own change time (set by chown) tells that the lines are older.
      expect(['before_fix', 'none']).toContain(later.verdict.logRelation);
      const { stdout } = await run('docker', ['logs', '--since', result.fixedAt, WEB], {
        env: { ...process.env, DOCKER_HOST: testbed.dockerHost },
      });
      expect(stdout).not.toContain('Errno::EACCES');
      expect(stdout).toContain('path=/health');
    }, 30_000);
  });
});
