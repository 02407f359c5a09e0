import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { DoctorPanel } from '@/components/vitals/doctor-panel';
import { loadConfig, setConfigForTesting } from '@/lib/config';
import { parseEnvFile } from '@/lib/config/env-file';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import type { Finding } from '@/lib/mastodon/config-doctor';
import { doctorPanel, type DoctorPanelData } from '@/lib/panels/doctor';
import type { PanelResult } from '@/lib/panels/panel';
import { withIntl } from '../../support/intl';
import { english } from '../../support/rendered-texts';
import { readTestbed } from '../../support/testbed';

/**
 * The config doctor against the test bed's project directories: mdtest (4.3.17) and mdother (4.4.4),
 * whose web and sidekiq use the host network and reach the test bed's Postgres and Redis on 127.0.0.1.
 * Broken variants are written to a scratch directory of this test; the projects' own files are only read.
 */
const testbed = readTestbed();
const projectsDir = path.dirname(testbed.mastodonDir);
const otherDir = path.join(projectsDir, testbed.otherProject);
const scratch = mkdtempSync(path.join(tmpdir(), 'mastodash-doctor-'));

/** `envFileGone`: start-up found a .env.production that was removed since (loadConfig refuses a missing one). */
async function run(
  project: string,
  dir: string | undefined,
  envFileGone = false,
): Promise<PanelResult<DoctorPanelData>> {
  setConfigForTesting(
    loadConfig({
      env: {
        DOCKER_HOST: testbed.dockerHost,
        COMPOSE_PROJECT: project,
        ...(dir === undefined ? {} : { MASTODON_DIR: dir }),
      },
      ...(envFileGone ? { readFile: () => '' } : {}),
    }),
  );
  return doctorPanel();
}

/** The panel's data with every Text (findings, summary line) in English words. */
function data(result: PanelResult<DoctorPanelData>) {
  if (!result.ok) throw new Error(`doctor panel failed: ${result.error.title}: ${result.error.detail}`);
  return english(result.data);
}

const outline = (findings: Finding[]) =>
  findings.map((f) => [f.severity, f.id, f.key, f.service && `@${f.service}`].filter(Boolean).join(' '));

/**
 * Neither the panel's JSON nor its rendered HTML holds a value of the env file. Skipped: values that
 * are words the doctor's own sentences use for other reasons (see each).
 */
const ORDINARY_WORDS = new Set([
  'false', // SINGLE_USER_MODE, ES_ENABLED, S3_ENABLED: "S3_ENABLED is not true" is about it without quoting it
  'localhost', // SMTP_SERVER; the doctor explains localhost in containers in general terms
  '127.0.0.1', // DB_HOST, REDIS_HOST; fixes advise binding ports to 127.0.0.1
  '25', // SMTP_PORT: two digits appear in any ISO timestamp
  'mastodon', // DB_USER: part of image names and words such as "mastodon/mastodon#16895"
]);
function expectNoEnvValues(result: PanelResult<DoctorPanelData>, envFile: string): void {
  const json = JSON.stringify(result);
  const html = renderToString(withIntl(createElement(DoctorPanel, { initial: result })));
  const values = [...parseEnvFile(readFileSync(envFile, 'utf8')).values].filter(
    ([, value]) => value !== '' && !ORDINARY_WORDS.has(value),
  );
  expect(values.length).toBeGreaterThan(10);
  for (const [key, value] of values) {
    expect(json, `the value of ${key} is in the panel's JSON`).not.toContain(value);
    expect(html, `the value of ${key} is in the panel's HTML`).not.toContain(value);
  }
}

afterEach(() => setConfigForTesting(undefined));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the test bed’s own projects', () => {
  it('mdtest (Mastodon 4.3.17, host network): all checks pass, OTP_SECRET is required', async () => {
    const before = readFileSync(path.join(testbed.mastodonDir, '.env.production'), 'utf8');
    const result = await run(testbed.project, testbed.mastodonDir);
    const panel = data(result);
    expect(panel).toMatchObject({
      dir: testbed.mastodonDir,
      envFile: path.join(testbed.mastodonDir, '.env.production'),
      composeFile: 'docker-compose.yml',
      version: '4.3.17',
    });
    expect(outline(panel.findings)).toEqual([
      'info version-known',
      'info media-local S3_ENABLED',
      'ok required-present SECRET_KEY_BASE',
      'ok required-present OTP_SECRET',
      'ok required-present ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
      'ok required-present ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
      'ok required-present ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
      'ok redis-namespace-unset REDIS_NAMESPACE',
      'ok local-domain-set LOCAL_DOMAIN',
      'ok db-host-ok DB_HOST',
      'ok redis-host-ok REDIS_HOST',
      'ok smtp-set SMTP_SERVER',
      'ok sidekiq-healthcheck-ok @sidekiq',
      'ok ports-ok',
    ]);
    expect(panel.findings[0]?.why).toBe(
      `The version comes from the instance API at http://127.0.0.1:${testbed.webPort}.`,
    );
    expect(panel.findings.find((f) => f.id === 'db-host-ok')?.title).toBe('DB_HOST reaches PostgreSQL on this server');
    expect(panel.findings.find((f) => f.id === 'sidekiq-healthcheck-ok')?.title).toBe(
      'The sidekiq health check looks for Sidekiq 6',
    );
    expect(panel.summaryLine).toBe('0 problems, 0 warnings, 2 notes, 12 checks passed');
    expectNoEnvValues(result, path.join(testbed.mastodonDir, '.env.production'));
    expect(readFileSync(path.join(testbed.mastodonDir, '.env.production'), 'utf8')).toBe(before);
  });

  it('mdother (Mastodon 4.4.4): no OTP_SECRET needed, the sidekiq check greps for 7', async () => {
    const result = await run(testbed.otherProject, otherDir);
    const panel = data(result);
    expect(panel.version).toBe('4.4.4');
    expect(outline(panel.findings)).toEqual([
      'info version-known',
      'info media-local S3_ENABLED',
      'ok required-present SECRET_KEY_BASE',
      'ok required-present ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
      'ok required-present ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
      'ok required-present ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
      'ok redis-namespace-unset REDIS_NAMESPACE',
      'ok local-domain-set LOCAL_DOMAIN',
      'ok db-host-ok DB_HOST',
      'ok redis-host-ok REDIS_HOST',
      'ok smtp-set SMTP_SERVER',
      'ok sidekiq-healthcheck-ok @sidekiq',
      'ok ports-ok',
    ]);
    expect(panel.findings.find((f) => f.id === 'sidekiq-healthcheck-ok')?.why).toBe(
      'Mastodon 4.4.4 runs Sidekiq 7. It is the check the official compose file of Mastodon 4.4.4 ships.',
    );
    expect(panel.summaryLine).toBe('0 problems, 0 warnings, 2 notes, 11 checks passed');
    expectNoEnvValues(result, path.join(otherDir, '.env.production'));
  });
});

describe('broken variants in a scratch directory, checked against the running containers', () => {
  const write = (dir: string, name: string, text: string) => writeFileSync(path.join(dir, name), text);

  it('the running 4.4.4 decides over a latest tag: REDIS_NAMESPACE and a socket DB_HOST are errors', async () => {
    const dir = mkdtempSync(path.join(scratch, 'broken-'));
    write(
      dir,
      'docker-compose.yml',
      readFileSync(path.join(otherDir, 'docker-compose.yml'), 'utf8').replaceAll(':v4.4.4', ':latest'),
    );
    const env = readFileSync(path.join(otherDir, '.env.production'), 'utf8')
      .replace(/^DB_HOST=.*$/m, 'DB_HOST=/var/run/postgresql')
      .replace(/^SECRET_KEY_BASE=(.*)$/m, 'SECRET_KEY_BASE="$1"')
      .replace(/^ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY=.*\n/m, '')
      .concat('REDIS_NAMESPACE=doctor_test_namespace\n');
    write(dir, '.env.production', env);

    const result = await run(testbed.otherProject, dir);
    const panel = data(result);
    expect(panel.version).toBe('4.4.4');
    expect(outline(panel.findings.filter((f) => f.severity === 'error' || f.severity === 'warning'))).toEqual([
      'error required-missing ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
      'error redis-namespace-set REDIS_NAMESPACE',
      'error db-host-socket DB_HOST',
      'warning env-quoted',
      // The compose file's sidekiq image says latest, so the running 4.4.4 is compared: grep 7 matches.
    ]);
    expect(panel.findings.find((f) => f.id === 'redis-namespace-set')?.title).toBe(
      'REDIS_NAMESPACE is set: Mastodon 4.4.4 refuses to boot',
    );
    expect(panel.findings.find((f) => f.id === 'version-known')?.why).toMatch(
      /^The version comes from the instance API at http:\/\/127\.0\.0\.1:\d+\.$/,
    );
    expect(outline(panel.findings)).toContain('ok sidekiq-healthcheck-ok @sidekiq');
    expect(panel.summaryLine).toBe('3 problems, 1 warning, 2 notes, 8 checks passed');
    const html = renderToString(withIntl(createElement(DoctorPanel, { initial: result })));
    expect(html).toContain('data-testid="doctor-summary" data-problems="3" data-warnings="1"');
    expect(html).toMatch(
      new RegExp(
        'data-testid="doctor-group-error".*' +
          'data-id="redis-namespace-set" data-severity="error" data-key="REDIS_NAMESPACE"',
      ),
    );
    expect(html).not.toContain('doctor_test_namespace');
    expect(html).not.toContain('/var/run/postgresql');
    expectNoEnvValues(result, path.join(dir, '.env.production'));
  });

  it('a project without containers falls back to the compose file’s version; override files are named', async () => {
    const dir = mkdtempSync(path.join(scratch, 'nocontainers-'));
    write(
      dir,
      'docker-compose.yml',
      readFileSync(path.join(testbed.mastodonDir, 'docker-compose.yml'), 'utf8').replaceAll(':v4.3.17', ':v4.5.15'),
    );
    write(dir, 'docker-compose.override.yml', 'services: {}\n');
    write(dir, '.env.production', readFileSync(path.join(testbed.mastodonDir, '.env.production'), 'utf8'));
    const panel = data(await run('mddoctornone', dir));
    expect(panel.version).toBe('4.5.15');
    expect(panel.findings.find((f) => f.id === 'version-known')?.why).toBe(
      'The version comes from the image of web in docker-compose.yml (no web or sidekiq container in project ' +
        'mddoctornone).',
    );
    expect(outline(panel.findings.filter((f) => f.severity !== 'ok'))).toEqual([
      'warning sidekiq-healthcheck-mismatch @sidekiq',
      'info compose-override',
      'info version-known',
      'info media-local S3_ENABLED',
    ]);
    // 4.5 no longer needs OTP_SECRET; the file still has it, which is not an error.
    expect(panel.findings.some((f) => f.key === 'OTP_SECRET')).toBe(false);
  });

  it('an invalid compose file is a warning naming the line; a missing env file is an error', async () => {
    const dir = mkdtempSync(path.join(scratch, 'invalid-'));
    write(dir, 'compose.yaml', 'services:\n  web:\n\timage: x\n');
    const panel = data(await run(testbed.project, dir, true));
    expect(panel.composeFile).toBe('compose.yaml');
    expect(outline(panel.findings.filter((f) => f.severity === 'error' || f.severity === 'warning'))).toEqual([
      'error env-missing',
      'warning compose-invalid',
    ]);
    expect(panel.findings.find((f) => f.id === 'compose-invalid')?.why).toBe(
      'compose.yaml, line 3: indentation uses a tab; YAML allows only spaces. The checks that compare the env ' +
        'file with the compose services were skipped.',
    );
    expect(panel.findings.find((f) => f.id === 'env-missing')?.why).toBe(
      `${path.join(dir, '.env.production')} does not exist. Every container of the official setup reads its ` +
        `settings from it.`,
    );
    // The running mdtest containers still give the version.
    expect(panel.version).toBe('4.3.17');
  });

  it('without MASTODON_DIR the panel fails with the cause and a fix', async () => {
    const result = await run(testbed.project, undefined);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('not_found');
    expect(inEnglish(result.error.title)).toBe('MASTODON_DIR is not set');
    expect(inEnglish(result.error.fix ?? '')).toContain('Set MASTODON_DIR');
    expect(renderText(translatorFor('de'), result.error.title)).toBe('MASTODON_DIR ist nicht gesetzt');
  });
});
