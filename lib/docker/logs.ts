import 'server-only';

import { getConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { dockerCalls } from './client';
import { resolveProjectContainer } from './containers';
import { toContainerView } from './container-view';
import { dockerUnavailable } from './errors';
import { COMPOSE_LABELS } from './labels';
import { DockerLogDecoder } from './log-decoder';
import type { LogLine } from './log-types';
import type { ContainerState } from './types';

/**
 * Container logs, the last lines in one request. The live follow of a log is in ./log-follow.ts, and the
 * one follow per container that every viewer shares is kept by the live registry (lib/live/log-follows.ts).
 */

export const DEFAULT_TAIL = 200;
export const MAX_TAIL = 2000;
/** Longer lines are cut (Docker itself splits lines at 16 KiB). */
export const MAX_LINE_BYTES = 8 * 1024;
/** The most text one answer of recentLogLines carries; older lines are left out beyond it. */
const MAX_RESULT_BYTES = 1024 * 1024;

export interface LogTarget {
  id: string;
  name: string;
  service: string;
  state: ContainerState;
}

export interface RecentLogs {
  container: LogTarget;
  lines: LogLine[];
  /** True when the byte cap left older lines of the tail out. */
  truncated: boolean;
  tail: number;
  fetchedAt: string;
}

function now(): string {
  return new Date().toISOString();
}

export function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

export interface InspectedTarget {
  target: LogTarget;
  tty: boolean;
  startedAt: string | undefined;
  healthcheckTest: string[] | undefined;
}

/** One inspect: the container if it belongs to the project (by label), with what the log reader needs. */
export async function inspectTarget(ref: string): Promise<InspectedTarget | undefined> {
  let info;
  try {
    info = await dockerCalls().getContainer(ref).inspect();
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw dockerUnavailable(error, getConfig().docker);
  }
  if (info.Config?.Labels?.[COMPOSE_LABELS.project] !== getConfig().composeProject) return undefined;
  const view = toContainerView(info);
  return {
    target: { id: view.id, name: view.name, service: view.service, state: view.state },
    tty: info.Config?.Tty === true,
    startedAt: view.startedAt,
    healthcheckTest: info.Config?.Healthcheck?.Test,
  };
}

export function notFound(ref: string): AppError {
  return new AppError(
    'not_found',
    text('containers.errors.notFound.title'),
    text('containers.errors.notFound.detail', { ref }),
  );
}

/** Keeps the newest lines whose text fits in maxBytes. */
function capBytes(lines: LogLine[], maxBytes: number): { lines: LogLine[]; truncated: boolean } {
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    bytes += Buffer.byteLength(lines[i]!.text) + 1;
    if (bytes > maxBytes) return { lines: lines.slice(i + 1), truncated: true };
  }
  return { lines, truncated: false };
}

/**
 * The last `tail` lines (stdout and stderr, with Docker's timestamps) of a container of the project.
 * The reference is resolved among the project's own containers first: a name from the browser is never
 * passed to Docker as it is. Stopped containers have logs too (why did it stop?).
 */
export async function recentLogLines(
  ref: string,
  options: { tail?: number; maxBytes?: number } = {},
): Promise<RecentLogs> {
  const tail = Math.min(MAX_TAIL, Math.max(1, Math.floor(options.tail ?? DEFAULT_TAIL)));
  const view = await resolveProjectContainer(ref);
  const inspected = await inspectTarget(view.id);
  if (!inspected) throw notFound(ref);
  let raw: Buffer;
  try {
    raw = await dockerCalls()
      .getContainer(view.id)
      .logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false });
  } catch (error) {
    if (statusCode(error) === 404) throw notFound(ref);
    throw dockerUnavailable(error, getConfig().docker);
  }
  const decoder = new DockerLogDecoder(inspected.tty, { maxLineBytes: MAX_LINE_BYTES });
  const decoded = [...decoder.push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))), ...decoder.end()];
  const capped = capBytes(decoded, options.maxBytes ?? MAX_RESULT_BYTES);
  return { container: inspected.target, lines: capped.lines, truncated: capped.truncated, tail, fetchedAt: now() };
}

/** The health check command of a container of the project (compose's `healthcheck.test`), if it has one. */
export async function containerHealthcheckTest(ref: string): Promise<string[] | undefined> {
  return (await inspectTarget(ref))?.healthcheckTest;
}
