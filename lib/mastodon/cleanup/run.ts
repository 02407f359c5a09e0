import 'server-only';

import { execInContainer } from '../../docker/exec';
import { AppError } from '../../errors';
import { text, type Text } from '../../i18n/text';
import type { JobProgress, JobStep } from '../../jobs/types';
import type { CleanupInput, CleanupJobName } from '../../validations/cleanup';
import { resolveTootctlContainer } from '../accounts';
import { requireVersionOf } from '../running-version';
import { factsFor, isSupported, OLDEST_SUPPORTED } from '../version-facts';
import { buildCleanupArgv, CLEANUP_COMMANDS } from './commands';
import { CleanupOutputReader, type CleanupOutputState, type CountedItems } from './output';

/**
 * Runs one of tootctl's cleanup commands in the project's web container (sidekiq when web is down), reporting its
 * progress bar and what it found as job steps, and answers with its own summary: the items it went through and the
 * bytes it announces ("approx."), read back from number_to_human_size. The dashboard measures nothing on the disk
 * itself: a du of the media folder before and after would cost two full walks of it.
 */

/** tootctl keeps going on a large instance for a long time; past this the dashboard stops waiting (not tootctl). */
const CLEANUP_TIMEOUT_MS = 4 * 60 * 60_000;
const PROGRESS_EVERY_MS = 500;

export type CleanupResult = {
  job: CleanupJobName;
  dryRun: boolean;
  /** The command as run, options included. */
  command: string;
  container: string;
  version: string;
  count: number;
  counted: CountedItems;
  /** tootctl's own words for the size ("1.2 MB"), and that size in bytes, give or take `sizeWithin`. */
  sizeText: string;
  bytes: number;
  sizeWithin: number;
  /** The summary line as tootctl printed it. */
  line: string;
  /** Items tootctl could not remove ("Error processing …"): their count and the first lines. */
  errorCount: number;
  errors: string[];
  /** remove-orphans: files whose path it did not recognise (left alone). */
  unrecognized: number;
  durationMs: number;
  /** The validated input, so that the page can offer the real run with the dry run's options. */
  input: CleanupInput;
};

function progressReporter(progress: JobProgress, step: Text | string, job: CleanupJobName) {
  let last = 0;
  let reported = '';
  return (state: CleanupOutputState, force = false) => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return;
    // remove-orphans cannot know its total: its bar stays empty until the end, so the count found is the news.
    const update: Omit<JobStep, 'at'> =
      job === 'media-remove-orphans'
        ? {
            step,
            done: state.orphansFound,
            detail: text('media.cleanup.steps.orphansSoFar', { count: state.orphansFound }),
          }
        : { step, done: state.percent, total: 100, unit: '%' as const };
    const key = JSON.stringify(update);
    if (key === reported) return;
    last = now;
    reported = key;
    progress(update);
  };
}

function failureText(state: CleanupOutputState, stdout: string, stderr: string, onStderr: boolean): string {
  // Up to 4.2 tootctl prints its own failures on stdout (after the bar), from 4.3 on stderr; Thor's on stderr.
  const text = [onStderr ? stderr : state.otherLines.join('\n'), onStderr ? state.otherLines.join('\n') : stderr]
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join('\n');
  return (text || stdout.trim() || '(no output)').slice(0, 1500);
}

export async function runCleanup(input: CleanupInput, progress: JobProgress): Promise<CleanupResult> {
  const started = Date.now();
  const spec = CLEANUP_COMMANDS[input.job];
  progress({ step: text('media.cleanup.steps.finding') });
  const container = await resolveTootctlContainer();
  const version = await requireVersionOf(container);
  if (!isSupported(version)) {
    throw new AppError(
      'conflict',
      text('media.errors.versionUnsupported.title'),
      text('media.errors.versionUnsupported.detail', {
        container: container.name,
        version: version.text,
        oldest: OLDEST_SUPPORTED,
      }),
    );
  }
  const argv = buildCleanupArgv(input, version);
  const command = argv.join(' ');
  progress({
    step: text('media.cleanup.steps.runsIn', { container: container.name }),
    detail: `Mastodon ${version.text}`,
  });

  const step = input.dryRun ? text('media.cleanup.steps.dryRun', { command }) : command;
  const reader = new CleanupOutputReader();
  const report = progressReporter(progress, step, input.job);
  report(reader.state, true);
  let output;
  try {
    output = await execInContainer(container.id, argv, {
      timeoutMs: CLEANUP_TIMEOUT_MS,
      onStdout: (chunk) => {
        reader.push(chunk);
        report(reader.state);
      },
      waitingFor: text('jobs.waitingFor.commandIn', { command, container: container.name }),
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'timeout') {
      throw new AppError(
        'timeout',
        error.title,
        text('media.errors.cleanupTimeout.detail', { detail: error.detail, container: container.name }),
        text('media.errors.cleanupTimeout.fix', { service: container.service }),
      );
    }
    throw error;
  }
  const state = reader.end();
  report(state, true);
  const onStderr = factsFor(version).tootctlErrorStream === 'stderr';
  if (output.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      text('media.errors.cleanupFailed.title', { command: spec.command }),
      text('media.errors.cleanupFailed.detail', {
        code: String(output.exitCode),
        output: failureText(state, output.stdout, output.stderr, onStderr),
      }),
    );
  }
  const summary = state.summary;
  if (!summary) {
    throw new AppError(
      'upstream_failed',
      text('media.errors.noSummary.title', { command: spec.command }),
      text('media.errors.noSummary.detail', { output: failureText(state, output.stdout, output.stderr, onStderr) }),
    );
  }
  progress({
    step: text('media.cleanup.steps.done'),
    detail: text(input.dryRun ? 'media.cleanup.steps.wouldFree' : 'media.cleanup.steps.freed', {
      size: summary.size.text,
      counted: text(`media.cleanup.jobs.${input.job}.counted`, { count: summary.count }),
    }),
  });
  return {
    job: input.job,
    dryRun: input.dryRun,
    command,
    container: container.name,
    version: version.text,
    count: summary.count,
    counted: summary.counted,
    sizeText: summary.size.text,
    bytes: summary.size.bytes,
    sizeWithin: summary.size.within,
    line: summary.line,
    errorCount: state.errorCount,
    errors: state.errors,
    unrecognized: state.unrecognized,
    durationMs: Date.now() - started,
    input,
  };
}
