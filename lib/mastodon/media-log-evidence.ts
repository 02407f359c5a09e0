import 'server-only';

import { getConfig } from '../config';
import { dockerCalls } from '../docker/client';
import { dockerUnavailable } from '../docker/errors';
import { DockerLogDecoder } from '../docker/log-decoder';
import type { LogLine } from '../docker/log-types';
import { MEDIA_EACCES_ID, recogniseLine } from './log-recognisers';
import type { LogEvidence } from './media-verdict';

/**
 * The log side of the media diagnosis: Paperclip's `Errno::EACCES` lines in the web container's recent
 * log. The log is read with the one Docker stream decoder (lib/docker/log-decoder.ts), so a line whose
 * frames interleave with the other stream's, or a log that starts with a daemon error frame, reads the
 * same here as on the logs page.
 */

const LOG_TAIL = 1000;
const MAX_LOG_LINE = 500;

/**
 * Paperclip's upload failure: `Errno::EACCES` naming a path under public/system. The Logs page's recogniser of
 * the same problem decides it, so the log view, the Media page and "Needs attention" see the same lines.
 */
export function isMediaPermissionError(text: string): boolean {
  return recogniseLine(text)?.id === MEDIA_EACCES_ID;
}

/** The newest media EACCES line among decoded log lines, with its time and how many there were. */
export function findMediaPermissionErrors(lines: readonly LogLine[]): LogEvidence | undefined {
  let newest: LogLine | undefined;
  let count = 0;
  for (const line of lines) {
    if (!isMediaPermissionError(line.text)) continue;
    count += 1;
    // Lines arrive in order per stream; across stdout and stderr the later time wins.
    if (!newest || line.ts >= newest.ts) newest = line;
  }
  if (!newest) return undefined;
  return { line: newest.text.trim().slice(0, MAX_LOG_LINE), at: newest.at, count, searched: lines.length };
}

/** Decodes a whole (not followed) log answer: Docker's frames, or raw text from a TTY container. */
export function decodeWholeLog(raw: Buffer, tty: boolean): LogLine[] {
  const decoder = new DockerLogDecoder(tty);
  return [...decoder.push(raw), ...decoder.end()];
}

/** The last LOG_TAIL lines of the container's log, searched for media EACCES lines. */
export async function recentMediaErrors(containerId: string, tty: boolean): Promise<LogEvidence | undefined> {
  let raw: Buffer;
  try {
    raw = await dockerCalls()
      .getContainer(containerId)
      .logs({ stdout: true, stderr: true, tail: LOG_TAIL, timestamps: true, follow: false });
  } catch (error) {
    throw dockerUnavailable(error, getConfig().docker);
  }
  return findMediaPermissionErrors(decodeWholeLog(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)), tty));
}
