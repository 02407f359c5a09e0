import 'server-only';

import { AppError } from '../errors';
import { text as textOf, type Text } from '../i18n/text';
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
  title: Text;
  /** What is wrong, one sentence each, with the evidence. */
  problems: Text[];
  /** Context that is not a fault (old log lines, S3, no bind mount). */
  notes: Text[];
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
  const foundText = describeFound(found);
  const ownerOk = found.uid === expected.uid && found.gid === expected.gid;
  const problems: Text[] = [];
  const notes: Text[] = [];

  if (!ownerOk) {
    problems.push(
      textOf(
        evidence.expectedFrom === 'default'
          ? 'media.verdict.problems.wrongOwnerDefault'
          : 'media.verdict.problems.wrongOwner',
        { path, found: foundText, expected: expectedText },
      ),
    );
  }
  if (!writable) {
    problems.push(
      ownerOk
        ? textOf('media.verdict.problems.ownerCannotWrite', {
            uid: String(expected.uid),
            mode: found.mode,
            target: evidence.hostPath ?? path,
          })
        : textOf('media.verdict.problems.cannotWrite', { uid: String(expected.uid), mode: found.mode }),
    );
  }

  const changedMs = Date.parse(found.changedAt) + CTIME_SLACK_MS;
  const fixedMs = options.fixedAt ? Date.parse(options.fixedAt) : Number.NEGATIVE_INFINITY;
  const boundary = Math.max(changedMs, fixedMs);
  // Name the later of the two events (ctime is truncated to the second, so compare it without the slack).
  const boundaryText =
    options.fixedAt && Date.parse(found.changedAt) <= fixedMs
      ? textOf('media.verdict.boundary.fix', { at: options.fixedAt })
      : textOf('media.verdict.boundary.folderChange', { at: found.changedAt });

  let logRelation: MediaVerdict['logRelation'] = 'none';
  if (log) {
    // Counts as strings: the English stays as it was (no digit grouping), the plural still follows the count.
    const seen = textOf('media.verdict.seen', {
      countText: String(log.count),
      count: log.count,
      searched: String(log.searched),
      at: log.at,
      line: log.line,
    });
    if (!writable) {
      logRelation = 'current';
      problems.push(textOf('media.verdict.problems.logged', { seen }));
    } else if (Date.parse(log.at) <= boundary) {
      logRelation = 'before_fix';
      notes.push(textOf('media.verdict.notes.beforeFix', { seen, boundary: boundaryText }));
    } else {
      logRelation = 'after_fix';
      problems.push(textOf('media.verdict.problems.afterFix', { seen, boundary: boundaryText }));
    }
  }

  if (evidence.s3Enabled) notes.push(textOf('media.verdict.notes.s3'));
  if (!evidence.hostPath) notes.push(textOf('media.verdict.notes.notBindMount', { path }));

  let status: MediaStatus;
  let title: Text;
  if (!writable) {
    status = evidence.s3Enabled ? 'warning' : 'broken';
    title = ownerOk
      ? textOf('media.verdict.title.cannotWrite')
      : textOf('media.verdict.title.wrongOwner', { found: foundText, expected: expectedText });
  } else if (logRelation === 'after_fix') {
    status = 'warning';
    title = textOf('media.verdict.title.failedAfterChange');
  } else if (!ownerOk) {
    status = 'warning';
    title = textOf('media.verdict.title.writableWrongOwner', { found: foundText, expected: expectedText });
  } else {
    status = 'ok';
    title = textOf('media.verdict.title.ok', { expected: expectedText });
  }
  return { status, title, problems, notes, logRelation, fixHelps: !ownerOk || logRelation === 'after_fix' };
}
