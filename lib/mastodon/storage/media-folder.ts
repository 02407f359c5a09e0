import 'server-only';

import { getConfig } from '../../config';
import { dockerCalls } from '../../docker/client';
import { listProjectContainers } from '../../docker/containers';
import { dockerUnavailable } from '../../docker/errors';
import { execInContainer } from '../../docker/exec';
import { AppError, toErrorView, type ErrorView } from '../../errors';
import { text } from '../../i18n/text';
import { dropProcessSingleton, processSingleton } from '../../process/singleton';
import { findAppContainer } from '../app-container';
import { MASTODON_MEDIA_PATH } from '../media-path';
import { objectStorageEnabledIn } from '../object-storage';
import { mediaBreakdown, readDuLines, type MediaBreakdown } from './media-breakdown';

/**
 * The size of the media folder and of its parts (media-breakdown.ts), measured with one du inside the web
 * container. That can take minutes on a large instance, so it runs in the background, one at a time, and the
 * page shows the last measurement and its age.
 */

/** A measurement older than this is repeated (in the background; the old one is shown meanwhile). */
export const MEDIA_MAX_AGE_MS = 6 * 3_600_000;
/** After a failed measurement, wait this long before trying again (each try may walk the whole folder). */
export const MEDIA_RETRY_AFTER_MS = 10 * 60_000;
/** du over millions of files on a slow disk can take long; past this it is abandoned. */
export const MEDIA_DU_TIMEOUT_MS = 30 * 60_000;

export interface DuReading {
  bytes: number;
  breakdown: MediaBreakdown;
  /** Lines du printed on stderr (folders it could not read): the size is then a lower bound. */
  problems: string[];
}

/** The one du the measurement runs (GNU and BusyBox both take -k and -d N, and print the same lines). */
export const MEDIA_DU_ARGS = ['-k', '-d', '1', MASTODON_MEDIA_PATH] as const;

/**
 * Parses `du -k -d 1 PATH` (GNU or BusyBox): "<KiB>\t<path>" per folder of depth 1, then PATH's own line. du exits
 * 1 when it could not read some folders but still prints the totals; only a missing total is a failure.
 */
export function parseDuOutput(
  result: { exitCode: number; stdout: string; stderr: string },
  root: string = MASTODON_MEDIA_PATH,
): DuReading {
  const lines = readDuLines(result.stdout, root);
  const problems = result.stderr
    .split('\n')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (lines.totalBytes === undefined) {
    const said = (problems[0] ?? result.stdout.trim()).slice(0, 300);
    if (/no such file|not found/i.test(said)) {
      throw new AppError(
        'not_found',
        text('media.errors.noMediaFolder.title'),
        text('media.errors.noMediaFolder.detail', { path: MASTODON_MEDIA_PATH, output: said }),
        text('media.errors.noMediaFolder.fix'),
      );
    }
    throw new AppError(
      'upstream_failed',
      text('media.errors.duFailed.title'),
      said
        ? text('media.errors.duFailed.detail', { code: String(result.exitCode), output: said })
        : text('media.errors.duFailed.detailSilent', { code: String(result.exitCode) }),
    );
  }
  return { bytes: lines.totalBytes, breakdown: mediaBreakdown(lines.totalBytes, lines.children), problems };
}

export type MediaOutcome =
  | {
      kind: 'size';
      bytes: number;
      breakdown: MediaBreakdown;
      atMs: number;
      durationMs: number;
      container: string;
      unreadable: number;
      problem?: string;
    }
  | { kind: 'object-storage'; atMs: number; container: string };

export interface MediaCache {
  /** Which deployment the entry belongs to (compose project and Docker endpoint). */
  key: string;
  last?: MediaOutcome;
  failure?: { error: ErrorView; atMs: number };
  running?: { startedAtMs: number; promise: Promise<void> };
}

/** Whether to start a measurement now: none running, and the last one missing or too old, and no recent failure. */
export function mediaNeedsMeasuring(
  cache: Pick<MediaCache, 'last' | 'failure' | 'running'>,
  nowMs: number,
  limits: { maxAgeMs: number; retryAfterMs: number } = {
    maxAgeMs: MEDIA_MAX_AGE_MS,
    retryAfterMs: MEDIA_RETRY_AFTER_MS,
  },
): boolean {
  if (cache.running) return false;
  if (
    cache.failure &&
    (!cache.last || cache.failure.atMs >= cache.last.atMs) &&
    nowMs - cache.failure.atMs < limits.retryAfterMs
  )
    return false;
  if (!cache.last) return true;
  return nowMs - cache.last.atMs >= limits.maxAgeMs;
}

export type MediaView =
  /** First run: nothing measured yet. */
  | { state: 'measuring'; sinceMs: number }
  | {
      state: 'measured';
      bytes: number;
      /** The named folders and the rest (media-breakdown.ts). */
      breakdown: MediaBreakdown;
      measuredAtMs: number;
      durationMs: number;
      container: string;
      /** Folders du could not read (the size is a lower bound). */
      unreadable: number;
      problem?: string;
      /** A newer measurement is under way. */
      refreshing: boolean;
      /** The last attempt after this measurement failed. */
      lastError?: ErrorView;
    }
  | { state: 'object-storage'; checkedAtMs: number; container: string; refreshing: boolean }
  | { state: 'failed'; error: ErrorView; atMs: number; retryAtMs: number; refreshing: boolean };

export function mediaView(
  cache: Pick<MediaCache, 'last' | 'failure' | 'running'>,
  retryAfterMs = MEDIA_RETRY_AFTER_MS,
): MediaView {
  const refreshing = cache.running !== undefined;
  const { last, failure } = cache;
  const newerFailure = failure && (!last || failure.atMs >= last.atMs) ? failure : undefined;
  if (last?.kind === 'object-storage')
    return { state: 'object-storage', checkedAtMs: last.atMs, container: last.container, refreshing };
  if (last?.kind === 'size') {
    return {
      state: 'measured',
      bytes: last.bytes,
      breakdown: last.breakdown,
      measuredAtMs: last.atMs,
      durationMs: last.durationMs,
      container: last.container,
      unreadable: last.unreadable,
      ...(last.problem ? { problem: last.problem } : {}),
      refreshing,
      ...(newerFailure ? { lastError: newerFailure.error } : {}),
    };
  }
  if (newerFailure)
    return {
      state: 'failed',
      error: newerFailure.error,
      atMs: newerFailure.atMs,
      retryAtMs: newerFailure.atMs + retryAfterMs,
      refreshing,
    };
  return { state: 'measuring', sinceMs: cache.running?.startedAtMs ?? Date.now() };
}

const MEDIA_CACHE = 'storage.media';

function mediaCache(): MediaCache {
  const config = getConfig();
  const key = `${config.composeProject}|${config.docker.display}`;
  const cache = processSingleton<MediaCache>(MEDIA_CACHE, () => ({ key }));
  if (cache.key === key) return cache;
  // Another deployment (the configuration changed): its measurements do not apply.
  dropProcessSingleton(MEDIA_CACHE);
  return processSingleton<MediaCache>(MEDIA_CACHE, () => ({ key }));
}

/** Whether the container keeps uploads in object storage (then there is no folder to measure). */
async function objectStorageEnabled(containerId: string): Promise<boolean> {
  try {
    const info = await dockerCalls().getContainer(containerId).inspect();
    return objectStorageEnabledIn(info.Config?.Env);
  } catch (error) {
    throw dockerUnavailable(error, getConfig().docker);
  }
}

async function measureOnce(): Promise<MediaOutcome> {
  const containers = await listProjectContainers();
  const container = findAppContainer(containers, { running: true });
  if (!container) {
    throw new AppError(
      'conflict',
      text('media.errors.appStopped.title'),
      text('media.errors.appStopped.detail', { project: getConfig().composeProject }),
      text('media.errors.appStopped.fix'),
    );
  }
  const startedMs = Date.now();
  if (await objectStorageEnabled(container.id))
    return { kind: 'object-storage', atMs: startedMs, container: container.name };
  // Docker does not kill an exec'd process when its stream is dropped; timeout(1) inside the container
  // does, so an abandoned du never keeps walking the disk next to the next one.
  const result = await execInContainer(
    container.id,
    ['timeout', String(MEDIA_DU_TIMEOUT_MS / 1000), 'du', ...MEDIA_DU_ARGS],
    {
      timeoutMs: MEDIA_DU_TIMEOUT_MS + 30_000,
      maxOutputBytes: 1024 * 1024,
      waitingFor: text('jobs.waitingFor.commandIn', {
        command: `du ${MEDIA_DU_ARGS.join(' ')}`,
        container: container.name,
      }),
    },
  );
  if (result.exitCode === 124 || result.exitCode === 143) {
    throw new AppError(
      'timeout',
      text('media.errors.duTimeout.title'),
      text('media.errors.duTimeout.detail', {
        path: MASTODON_MEDIA_PATH,
        container: container.name,
        minutes: String(MEDIA_DU_TIMEOUT_MS / 60_000),
      }),
      text('media.errors.duTimeout.fix'),
    );
  }
  const reading = parseDuOutput(result);
  const finishedMs = Date.now();
  return {
    kind: 'size',
    bytes: reading.bytes,
    breakdown: reading.breakdown,
    atMs: finishedMs,
    durationMs: finishedMs - startedMs,
    container: container.name,
    unreadable: reading.problems.length,
    ...(reading.problems[0] ? { problem: reading.problems[0].slice(0, 300) } : {}),
  };
}

/** Starts a measurement unless one is running, and returns the one under way. */
export function startMediaMeasurement(): Promise<void> {
  const cache = mediaCache();
  if (cache.running) return cache.running.promise;
  const startedAtMs = Date.now();
  const promise = measureOnce().then(
    (outcome) => {
      cache.last = outcome;
      cache.failure = undefined;
    },
    (error: unknown) => {
      if (!(error instanceof AppError)) console.error('[storage] media measurement failed:', error);
      cache.failure = { error: toErrorView(error), atMs: Date.now() };
    },
  );
  cache.running = {
    startedAtMs,
    promise: promise.finally(() => {
      cache.running = undefined;
    }),
  };
  return cache.running.promise;
}

/** What is known about the media folder now; starts a background measurement when due and never waits for it. */
export function mediaFolderStatus(nowMs = Date.now()): MediaView {
  const cache = mediaCache();
  if (mediaNeedsMeasuring(cache, nowMs)) void startMediaMeasurement();
  return mediaView(cache);
}

/** For tests: forget measurements (a running one still finishes, into the forgotten entry). */
export function resetMediaFolderForTesting(): void {
  dropProcessSingleton(MEDIA_CACHE);
}
