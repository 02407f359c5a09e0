import 'server-only';

import { AppError } from '../errors';
import { text as textOf } from '../i18n/text';
import type { MastodonMediaPath } from './media-path';

/**
 * What the media diagnosis found and what it means, without Docker: the parsers of the probes' output
 * and the verdict. The probes themselves are in media-permissions.ts, the log search in
 * media-log-evidence.ts.
 */

/** The image's `ARG UID=991` / `ARG GID=991`, in every version (mastodon/mastodon v4.3.0 Dockerfile). */
export const DEFAULT_MEDIA_OWNER: MediaOwner = { uid: 991, gid: 991 };

/** ctime has whole seconds; a log line within this much after it may still predate the change. */
const CTIME_SLACK_MS = 1000;

export type MediaOwner = { uid: number; gid: number };

export type FolderStat = {
  uid: number;
  gid: number;
  /** Names as the container's passwd/group know them ("UNKNOWN" when they do not). */
  user: string;
  group: string;
  /** Octal permission bits, e.g. "755". */
  mode: string;
  /** When the folder's inode last changed (a chown or chmod sets it), ISO. */
  changedAt: string;
};

export type LogEvidence = {
  /** The newest matching line, without Docker's timestamp. */
  line: string;
  /** When Docker received it, ISO. */
  at: string;
  /** Matching lines among the searched ones. */
  count: number;
  /** Lines searched (the tail of the log). */
  searched: number;
};

export type MediaEvidence = {
  container: string;
  path: MastodonMediaPath;
  /** The host side of the bind mount, when the folder is one. */
  hostPath?: string;
  expected: MediaOwner;
  /** 'image': from `id mastodon` in the container; 'default': the image has no mastodon user, 991:991 assumed. */
  expectedFrom: 'image' | 'default';
  found: FolderStat;
  writable: boolean;
  log?: LogEvidence;
  /** S3_ENABLED=true in the container: media go to object storage and this folder is not used for uploads. */
  s3Enabled: boolean;
  checkedAt: string;
};

export type MediaStatus = 'ok' | 'warning' | 'broken';

export type MediaVerdict = {
  status: MediaStatus;
  title: string;
  /** What is wrong, one sentence each, with the evidence. */
  problems: string[];
  /** Context that is not a fault (old log lines, S3, no bind mount). */
  notes: string[];
  /** How the newest EACCES log line relates to the folder's state. */
  logRelation: 'none' | 'current' | 'before_fix' | 'after_fix';
  /** Whether `chown -R` can help (it changes owners, not modes). */
  fixHelps: boolean;
};

export type MediaDiagnosis = { evidence: MediaEvidence; verdict: MediaVerdict };

export type MediaFixResult = {
  container: string;
  path: MastodonMediaPath;
  owner: string;
  ownerBefore: string;
  /** Entries (files, folders, links) not owned by the expected owner before the fix. */
  entriesToChange: number;
  /** Entries chown reported as changed. */
  filesChanged: number;
  fixedAt: string;
  durationMs: number;
  after: MediaDiagnosis;
};

/** Parses `stat -c '%u:%g %a %U:%G %Z'`; throws on anything else. */
export function parseStatOutput(text: string): FolderStat {
  const match = /^(\d+):(\d+) ([0-7]{3,4}) (\S+):(\S+) (\d+)$/.exec(text.trim());
  if (!match)
    throw new AppError(
      'upstream_failed',
      textOf('media.errors.statUnexpected.title'),
      textOf('media.errors.statUnexpected.detail', { output: text.trim().slice(0, 200) }),
    );
  return {
    uid: Number(match[1]),
    gid: Number(match[2]),
    mode: match[3]!,
    user: match[4]!,
    group: match[5]!,
    changedAt: new Date(Number(match[6]) * 1000).toISOString(),
  };
}

/** Parses the output of `id -u NAME` / `id -g NAME`: one number, or undefined. */
export function parseId(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : undefined;
}

export function formatOwner(owner: MediaOwner): string {
  return `${owner.uid}:${owner.gid}`;
}

function describeFound(found: FolderStat): string {
  const names = `${found.user}:${found.group}`;
  return names === `${found.uid}:${found.gid}` ? `${found.uid}:${found.gid}` : `${found.uid}:${found.gid} (${names})`;
}

/**
 * The verdict on the evidence. A log line is only evidence of a current problem when it is newer than the
 * last change of the folder (its ctime, or the fix the dashboard just ran): older lines predate the fix.
 */
export function mediaVerdict(evidence: MediaEvidence, options: { fixedAt?: string } = {}): MediaVerdict {
  const { found, expected, writable, log, path } = evidence;
  const expectedText = formatOwner(expected);
  const ownerOk = found.uid === expected.uid && found.gid === expected.gid;
  const problems: string[] = [];
  const notes: string[] = [];

  if (!ownerOk) {
    problems.push(
      `${path} belongs to ${describeFound(found)}, but Mastodon runs as ${expectedText}` +
        `${evidence.expectedFrom === 'default' ? ' (the default; the image has no mastodon user)' : ''}.`,
    );
  }
  if (!writable) {
    problems.push(
      ownerOk
        ? `uid ${expected.uid} owns it but cannot write to it (mode ${found.mode}); changing the owner will not ` +
            `help: on the host run chmod -R u+rwX ${evidence.hostPath ?? path}.`
        : `uid ${expected.uid} cannot write to it (mode ${found.mode}), so uploads fail.`,
    );
  }

  const changedMs = Date.parse(found.changedAt) + CTIME_SLACK_MS;
  const fixedMs = options.fixedAt ? Date.parse(options.fixedAt) : Number.NEGATIVE_INFINITY;
  const boundary = Math.max(changedMs, fixedMs);
  // Name the later of the two events (ctime is truncated to the second, so compare it without the slack).
  const boundaryText =
    options.fixedAt && Date.parse(found.changedAt) <= fixedMs
      ? `the fix at ${options.fixedAt}`
      : `the folder's last change at ${found.changedAt}`;

  let logRelation: MediaVerdict['logRelation'] = 'none';
  if (log) {
    const seen =
      `${log.count} Errno::EACCES line${log.count === 1 ? '' : 's'} in the last ${log.searched} log lines; ` +
      `the newest, at ${log.at}: ${log.line}`;
    if (!writable) {
      logRelation = 'current';
      problems.push(`Mastodon logged ${seen}`);
    } else if (Date.parse(log.at) <= boundary) {
      logRelation = 'before_fix';
      notes.push(
        `The folder is writable now. The ${seen} — predates ${boundaryText}, so it is history, not a current fault.`,
      );
    } else {
      logRelation = 'after_fix';
      problems.push(
        `The folder itself is writable, yet Mastodon logged ${seen} — after ${boundaryText}. ` +
          'Something inside the folder is probably not writable (see the path in the line).',
      );
    }
  }

  if (evidence.s3Enabled)
    notes.push('S3_ENABLED=true: Mastodon stores uploads in object storage, so this folder is not used for them.');
  if (!evidence.hostPath)
    notes.push(
      `${path} is not a bind mount here: its content lives in the container ` +
        'and is lost when the container is recreated.',
    );

  let status: MediaStatus;
  let title: string;
  if (!writable) {
    status = evidence.s3Enabled ? 'warning' : 'broken';
    title = ownerOk
      ? 'Mastodon cannot write to its media folder'
      : `The media folder belongs to ${describeFound(found)}, not ${expectedText}`;
  } else if (logRelation === 'after_fix') {
    status = 'warning';
    title = 'Uploads failed after the folder was last changed';
  } else if (!ownerOk) {
    status = 'warning';
    title = `Writable, but owned by ${describeFound(found)} instead of ${expectedText}`;
  } else {
    status = 'ok';
    title = `The media folder belongs to ${expectedText} and Mastodon can write to it`;
  }
  return { status, title, problems, notes, logRelation, fixHelps: !ownerOk || logRelation === 'after_fix' };
}
