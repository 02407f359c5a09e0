import 'server-only';

import { open } from 'node:fs/promises';
import path from 'node:path';

import { getConfig } from '../config';
import type { ContainerView } from '../docker/types';
import { AppError } from '../errors';
import { currentProjectContainers } from '../live';
import { ComposeFileError, parseComposeFile } from './compose-file';
import { chooseVersion, describeEnvFile, type DoctorInput, type ProbeUrlCheck } from './config-doctor';
import { listenFactsOf } from './health';
import { readRunningVersion } from './running-version';
import { configuredUrlMismatch, discoverAddress, PROBED_SERVICES } from './service-address';
import { text, type Text } from '../i18n/text';

/**
 * Reads what the config doctor checks from MASTODON_DIR, read-only: `.env.production`, the compose file
 * (the names `docker compose` looks for, in its order), the running version (running-version.ts), and where
 * web and streaming listen when MASTODON_WEB_URL or MASTODON_STREAMING_URL is set. A missing or broken file is
 * part of the diagnosis, not a failure of the panel.
 */

/** Larger than any real .env.production or compose file; a bigger file is not read at all. */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;
/** The file names `docker compose` tries, in its order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
const OVERRIDE_FILE_NAMES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

type ReadOutcome = { ok: true; text: string } | { ok: false; missing: boolean; problem: Text };

async function readCapped(file: string): Promise<ReadOutcome> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { ok: false, missing: true, problem: text('doctor.read.missing', { file }) };
    if (code === 'EACCES' || code === 'EPERM')
      return { ok: false, missing: false, problem: text('doctor.read.denied', { file }) };
    return { ok: false, missing: false, problem: text('doctor.read.notOpened', { file, code: code ?? 'error' }) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, missing: false, problem: text('doctor.read.notFile', { file }) };
    if (stat.size > MAX_CONFIG_FILE_BYTES)
      return {
        ok: false,
        missing: false,
        problem: text('doctor.read.tooLarge', { file, kib: String(MAX_CONFIG_FILE_BYTES / 1024) }),
      };
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    return { ok: true, text: buffer.subarray(0, bytesRead).toString('utf8') };
  } catch (error) {
    return {
      ok: false,
      missing: false,
      problem: text('doctor.read.failed', { file, code: (error as NodeJS.ErrnoException).code ?? 'error' }),
    };
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    await handle.close();
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export interface MastodonConfigFiles {
  dir: string;
  envFile: string;
  /** The compose file that was found (its name), when one was. */
  composeFile?: string;
  input: DoctorInput;
}

/** The project's containers for the probe-URL check; without Docker that check is left out (the version says why). */
async function runningContainers(): Promise<ContainerView[] | undefined> {
  return currentProjectContainers().catch(() => undefined);
}

/** The configured probe URLs against the containers' listen facts; a container Docker cannot inspect is left out. */
async function probeUrlChecks(containers: readonly ContainerView[]): Promise<ProbeUrlCheck[]> {
  const { mastodon } = getConfig();
  const checks: ProbeUrlCheck[] = [];
  for (const service of ['web', 'streaming'] as const) {
    const url = service === 'web' ? mastodon.webUrl : mastodon.streamingUrl;
    const container = containers.find((c) => c.service === service && c.state === 'running');
    if (!url || !container) continue;
    const facts = await listenFactsOf(container).catch(() => undefined);
    if (!facts) continue;
    const mismatch = configuredUrlMismatch(service, url, facts);
    checks.push({
      service,
      key: PROBED_SERVICES[service].key,
      url,
      container: facts.name,
      ...(mismatch ? { mismatch, discovered: discoverAddress(service, facts).baseUrl } : {}),
    });
  }
  return checks;
}

/** Everything the doctor needs, read from MASTODON_DIR and Docker. Throws only when MASTODON_DIR is not configured. */
export async function readMastodonConfigFiles(): Promise<MastodonConfigFiles> {
  const config = getConfig();
  const dir = config.mastodon.dir === undefined ? undefined : path.resolve(config.mastodon.dir);
  if (dir === undefined) {
    throw new AppError(
      'not_found',
      text('errors.mastodonDirUnset.title'),
      text('errors.mastodonDirUnset.detail'),
      text('errors.mastodonDirUnset.fix'),
    );
  }
  const envFile = config.mastodon.envFile ?? path.join(dir, '.env.production');
  const input: DoctorInput = { envFileName: path.basename(envFile) };

  const [envRead, composeReads, overrides, docker, running, sidekiq] = await Promise.all([
    readCapped(envFile),
    Promise.all(COMPOSE_FILE_NAMES.map(async (name) => ({ name, outcome: await readCapped(path.join(dir, name)) }))),
    Promise.all(OVERRIDE_FILE_NAMES.map(async (name) => ((await exists(path.join(dir, name))) ? name : undefined))),
    runningContainers(),
    readRunningVersion(),
    readRunningVersion({ of: 'sidekiq' }),
  ]);

  if (envRead.ok) {
    const { values, layout } = describeEnvFile(envRead.text);
    input.env = values;
    input.envLayout = layout;
  } else {
    input.envProblem = envRead.problem;
  }

  const found = composeReads.find((read) => read.outcome.ok || !read.outcome.missing);
  let composeFile: string | undefined;
  if (!found) {
    input.composeProblem = {
      kind: 'missing',
      detail: text('doctor.read.noCompose', { files: COMPOSE_FILE_NAMES.join(', '), dir }),
    };
  } else {
    composeFile = found.name;
    input.composeFileName = found.name;
    if (!found.outcome.ok) {
      input.composeProblem = { kind: 'unreadable', detail: found.outcome.problem };
    } else {
      try {
        input.compose = parseComposeFile(found.outcome.text);
      } catch (error) {
        if (!(error instanceof ComposeFileError)) throw error;
        input.composeProblem = {
          kind: 'invalid',
          detail: text('doctor.read.invalid', { file: found.name, message: error.message }),
        };
      }
    }
  }
  input.overrideFiles = overrides.filter((name): name is (typeof OVERRIDE_FILE_NAMES)[number] => name !== undefined);

  const chosen = chooseVersion(running, input.compose, input.composeFileName, sidekiq);
  if (chosen.version) input.version = chosen.version;
  if (chosen.from) input.versionFrom = chosen.from;
  if (chosen.note) input.versionNote = chosen.note;
  if (chosen.sidekiqVersion) input.sidekiqVersion = chosen.sidekiqVersion;
  if (docker) {
    const checks = await probeUrlChecks(docker);
    if (checks.length > 0) input.probeUrls = checks;
  }

  return { dir, envFile, ...(composeFile ? { composeFile } : {}), input };
}
