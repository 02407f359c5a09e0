import 'server-only';

import { getConfig } from '../config';
import { dockerCalls } from '../docker/client';
import { listProjectContainers } from '../docker/containers';
import { dockerUnavailable } from '../docker/errors';
import { execInContainer } from '../docker/exec';
import type { ContainerView } from '../docker/types';
import { AppError } from '../errors';
import type { JobProgress } from '../jobs/types';

/**
 * The `Errno::EACCES … public/system` problem (mastodon.md §9, security.md §5.3): Docker creates a missing
 * bind-mount source as root, Mastodon runs as uid 991 and cannot write uploads. Diagnosis reads the web
 * container's folder owner, a writability probe as Mastodon's user and the recent logs; the fix is one
 * `chown -R` as root inside web. Paths come from a fixed allow-list and the ids from the image, never
 * from the browser.
 */

/** Where the media folder can be inside the official image: the compose mount target, or the real directory behind the symlink. */
export const MEDIA_PATHS = ['/mastodon/public/system', '/opt/mastodon/public/system'] as const;
export type MediaPath = (typeof MEDIA_PATHS)[number];
const DEFAULT_MEDIA_PATH: MediaPath = '/opt/mastodon/public/system';
/** The image's `ARG UID=991` / `ARG GID=991`, in every version. */
export const DEFAULT_MEDIA_OWNER: MediaOwner = { uid: 991, gid: 991 };

const LOG_TAIL = 1000;
const MAX_LOG_LINE = 500;
const CHECK_TIMEOUT_MS = 20_000;
const COUNT_TIMEOUT_MS = 10 * 60_000;
const CHOWN_TIMEOUT_MS = 30 * 60_000;
/** ctime has whole seconds; a log line within this much after it may still predate the change. */
const CTIME_SLACK_MS = 1000;
/** At most this often a counting progress update (chown prints a line per file, thousands a second). */
const PROGRESS_EVERY_MS = 250;

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
  path: MediaPath;
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
  path: MediaPath;
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

// ---------------------------------------------------------------------------------------------------------
// Pure parts

/** Parses `stat -c '%u:%g %a %U:%G %Z'`; throws on anything else. */
export function parseStatOutput(text: string): FolderStat {
  const match = /^(\d+):(\d+) ([0-7]{3,4}) (\S+):(\S+) (\d+)$/.exec(text.trim());
  if (!match)
    throw new AppError('upstream_failed', 'Unexpected stat output', `stat printed "${text.trim().slice(0, 200)}".`);
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

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, big-endian length) into
 * its text. A container with a TTY sends raw text, which is returned as is.
 */
export function demuxDockerLog(buffer: Buffer): string {
  const looksMultiplexed =
    buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  if (!looksMultiplexed) return buffer.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, Math.min(buffer.length, offset + 8 + length)));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** A log line with Docker's `timestamps: true` prefix (RFC 3339 with nanoseconds) split off. */
export function parseTimestampedLine(line: string): { at?: string; text: string } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d) (.*)$/.exec(line);
  if (!match) return { text: line };
  const millis = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  const date = new Date(`${match[1]}.${millis}${match[3]}`);
  return Number.isNaN(date.getTime()) ? { text: line } : { at: date.toISOString(), text: match[4]! };
}

/** Paperclip's upload failure: `Errno::EACCES` naming a path under public/system. */
export function isMediaPermissionError(text: string): boolean {
  return text.includes('Errno::EACCES') && text.includes('public/system');
}

/** The newest media EACCES line of a timestamped log, with its time and how many there were. */
export function findMediaPermissionErrors(log: string): LogEvidence | undefined {
  const lines = log.split('\n').filter((line) => line.trim() !== '');
  let newest: { at: string; text: string } | undefined;
  let count = 0;
  for (const line of lines) {
    const { at, text } = parseTimestampedLine(line.replace(/\r$/, ''));
    if (!isMediaPermissionError(text)) continue;
    count += 1;
    // Lines arrive in order; a later line with a time replaces the earlier one.
    if (at && (!newest || at >= newest.at)) newest = { at, text };
  }
  if (!newest) return undefined;
  return { line: newest.text.trim().slice(0, MAX_LOG_LINE), at: newest.at, count, searched: lines.length };
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
      `${path} belongs to ${describeFound(found)}, but Mastodon runs as ${expectedText}${evidence.expectedFrom === 'default' ? ' (the default; the image has no mastodon user)' : ''}.`,
    );
  }
  if (!writable) {
    problems.push(
      ownerOk
        ? `uid ${expected.uid} owns it but cannot write to it (mode ${found.mode}); changing the owner will not help: on the host run chmod -R u+rwX ${evidence.hostPath ?? path}.`
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
    const seen = `${log.count} Errno::EACCES line${log.count === 1 ? '' : 's'} in the last ${log.searched} log lines; the newest, at ${log.at}: ${log.line}`;
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
        `The folder itself is writable, yet Mastodon logged ${seen} — after ${boundaryText}. Something inside the folder is probably not writable (see the path in the line).`,
      );
    }
  }

  if (evidence.s3Enabled)
    notes.push('S3_ENABLED=true: Mastodon stores uploads in object storage, so this folder is not used for them.');
  if (!evidence.hostPath)
    notes.push(
      `${path} is not a bind mount here: its content lives in the container and is lost when the container is recreated.`,
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

/** Counts complete records in streamed output (newline- or NUL-terminated), across chunk boundaries. */
export function recordCounter(separator: '\n' | '\0'): { add: (chunk: string) => number; count: () => number } {
  let count = 0;
  return {
    add(chunk: string) {
      for (let i = chunk.indexOf(separator); i !== -1; i = chunk.indexOf(separator, i + 1)) count += 1;
      return count;
    },
    count: () => count,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Docker

type WebTarget = { view: ContainerView; path: MediaPath; hostPath?: string; s3Enabled: boolean };

/** The project's web container (found by compose label, never by a name from the browser) and its media mount. */
async function findWeb(): Promise<WebTarget> {
  const project = getConfig().composeProject;
  const webs = (await listProjectContainers())
    .filter((c) => c.service === 'web')
    .sort(
      (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.containerNumber - b.containerNumber,
    );
  const view = webs[0];
  if (!view) {
    throw new AppError(
      'not_found',
      'No web container',
      `The compose project ${project} has no container of the service web.`,
    );
  }
  if (view.state !== 'running') {
    throw new AppError(
      'conflict',
      'web is not running',
      `${view.name} is ${view.state}; the media folder is checked and fixed inside the running web container.`,
      `Start it (docker compose up -d web), or on the host run: chown -R 991:991 public/system in the Mastodon directory.`,
    );
  }
  let info;
  try {
    info = await dockerCalls().getContainer(view.id).inspect();
  } catch (error) {
    throw dockerUnavailable(error, getConfig().docker);
  }
  // docker inspect shows the declared destination (/mastodon/public/system through the image's symlink).
  const mount = (info.Mounts ?? []).find((m) => (MEDIA_PATHS as readonly string[]).includes(m.Destination));
  const path = MEDIA_PATHS.find((p) => p === mount?.Destination) ?? DEFAULT_MEDIA_PATH;
  // Only this one variable is read from the container's environment; the rest (secrets) stays here.
  const s3Enabled = (info.Config?.Env ?? []).some((entry) => /^S3_ENABLED=true$/i.test(entry));
  return { view, path, ...(mount?.Source ? { hostPath: mount.Source } : {}), s3Enabled };
}

async function expectedOwner(containerId: string): Promise<{ owner: MediaOwner; from: 'image' | 'default' }> {
  const options = { timeoutMs: CHECK_TIMEOUT_MS, waitingFor: 'id mastodon in the web container' };
  const [u, g] = await Promise.all([
    execInContainer(containerId, ['id', '-u', 'mastodon'], options),
    execInContainer(containerId, ['id', '-g', 'mastodon'], options),
  ]);
  const uid = u.exitCode === 0 ? parseId(u.stdout) : undefined;
  const gid = g.exitCode === 0 ? parseId(g.stdout) : undefined;
  return uid !== undefined && gid !== undefined
    ? { owner: { uid, gid }, from: 'image' }
    : { owner: DEFAULT_MEDIA_OWNER, from: 'default' };
}

async function statFolder(containerId: string, path: MediaPath): Promise<FolderStat> {
  const result = await execInContainer(containerId, ['stat', '-c', '%u:%g %a %U:%G %Z', '--', path], {
    user: '0',
    timeoutMs: CHECK_TIMEOUT_MS,
    waitingFor: `stat of ${path} in the web container`,
  });
  if (result.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      'Cannot read the media folder',
      `stat ${path} failed: ${(result.stderr || result.stdout).trim().slice(0, 300)}`,
    );
  }
  return parseStatOutput(result.stdout);
}

/** `test -w` as Mastodon's uid:gid: exit 0 writable, 1 not. */
async function probeWritable(containerId: string, path: MediaPath, owner: MediaOwner): Promise<boolean> {
  const result = await execInContainer(containerId, ['test', '-w', path], {
    user: formatOwner(owner),
    timeoutMs: CHECK_TIMEOUT_MS,
    waitingFor: `test -w ${path} as ${formatOwner(owner)} in the web container`,
  });
  if (result.exitCode === 0) return true;
  if (result.exitCode === 1) return false;
  throw new AppError(
    'upstream_failed',
    'Cannot probe the media folder',
    `test -w ${path} exited with ${result.exitCode}: ${result.stderr.trim().slice(0, 300)}`,
  );
}

async function recentMediaErrors(containerId: string): Promise<LogEvidence | undefined> {
  let raw: Buffer;
  try {
    raw = await dockerCalls()
      .getContainer(containerId)
      .logs({ stdout: true, stderr: true, tail: LOG_TAIL, timestamps: true, follow: false });
  } catch (error) {
    throw dockerUnavailable(error, getConfig().docker);
  }
  return findMediaPermissionErrors(demuxDockerLog(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))));
}

async function collectEvidence(web: WebTarget): Promise<MediaEvidence> {
  const id = web.view.id;
  const [{ owner, from }, found, log] = await Promise.all([
    expectedOwner(id),
    statFolder(id, web.path),
    recentMediaErrors(id),
  ]);
  const writable = await probeWritable(id, web.path, owner);
  return {
    container: web.view.name,
    path: web.path,
    ...(web.hostPath ? { hostPath: web.hostPath } : {}),
    expected: owner,
    expectedFrom: from,
    found,
    writable,
    ...(log ? { log } : {}),
    s3Enabled: web.s3Enabled,
    checkedAt: new Date().toISOString(),
  };
}

/** Checks the media folder of the project's web container and says what is wrong, with the evidence. */
export async function diagnoseMediaPermissions(options: { fixedAt?: string } = {}): Promise<MediaDiagnosis> {
  const evidence = await collectEvidence(await findWeb());
  return { evidence, verdict: mediaVerdict(evidence, options) };
}

/** Reports counting progress at most every PROGRESS_EVERY_MS, and always the final count. */
function throttled(
  progress: JobProgress,
  step: string,
  total: number,
): { update: (done: number) => void; flush: (done: number) => void } {
  let last = 0;
  return {
    update(done) {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      progress({ step, done: Math.min(done, total), total });
    },
    flush(done) {
      progress({ step, done: Math.min(done, total), total });
    },
  };
}

/**
 * `chown -R -h -c <uid>:<gid> -- <path>` as root in the web container, with progress, then a fresh
 * diagnosis. `expect` is what the admin saw on the page: when the server's own finding differs (another
 * container, another path), nothing runs. The argv is built from the server's finding only.
 */
export async function fixMediaPermissions(
  options: { progress?: JobProgress; expect?: { container: string; path: string } } = {},
): Promise<MediaFixResult> {
  const progress: JobProgress = options.progress ?? (() => undefined);
  const started = Date.now();
  progress({ step: 'Checking the media folder' });
  const web = await findWeb();
  if (options.expect && (options.expect.container !== web.view.name || options.expect.path !== web.path)) {
    throw new AppError(
      'conflict',
      'The media folder changed',
      `The page showed ${options.expect.container}:${options.expect.path}, but the web container is now ${web.view.name}:${web.path}. Nothing was changed.`,
      'Reload the page and check again.',
    );
  }
  const before = await collectEvidence(web);
  const { path, expected } = before;
  const owner = formatOwner(expected);
  const id = web.view.id;

  // Counted with -print0 (no shell pipe): one NUL per entry whose owner or group differs, as chown -c reports them.
  progress({ step: `Counting entries under ${path} not owned by ${owner}` });
  const counter = recordCounter('\0');
  const count = await execInContainer(
    id,
    [
      'find',
      path,
      '-xdev',
      '(',
      '!',
      '-user',
      String(expected.uid),
      '-o',
      '!',
      '-group',
      String(expected.gid),
      ')',
      '-print0',
    ],
    {
      user: '0',
      timeoutMs: COUNT_TIMEOUT_MS,
      maxOutputBytes: 4096,
      onStdout: (chunk) => counter.add(chunk),
      waitingFor: `find to count the entries under ${path} in ${web.view.name}`,
    },
  );
  if (count.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      'Cannot count the media files',
      `find ${path} exited with ${count.exitCode}: ${count.stderr.trim().slice(0, 300)}. Nothing was changed.`,
    );
  }
  const total = counter.count();
  progress({ step: `Counting entries under ${path} not owned by ${owner}`, detail: `${total} to change` });

  const step = `Changing the owner to ${owner}`;
  const report = throttled(progress, step, total);
  report.flush(0);
  const changed = recordCounter('\n');
  // security.md §5.3: exactly this argv (plus -c for one line per changed entry), as root on this exec only.
  const chown = await execInContainer(id, ['chown', '-R', '-h', '-c', owner, '--', path], {
    user: '0',
    timeoutMs: CHOWN_TIMEOUT_MS,
    maxOutputBytes: 16 * 1024,
    onStdout: (chunk) => report.update(changed.add(chunk)),
    waitingFor: `chown -R to change ${total} entries under ${path} in ${web.view.name} (it may still be running there; check again later)`,
  });
  const filesChanged = changed.count();
  report.flush(filesChanged);
  if (chown.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      'chown did not finish cleanly',
      `chown -R exited with ${chown.exitCode} after changing ${filesChanged} of ${total} entries: ${chown.stderr.trim().slice(0, 400)}`,
      'Check again to see what is still wrong; a read-only or network file system may refuse chown.',
    );
  }
  const fixedAt = new Date().toISOString();

  progress({ step: 'Checking again' });
  const after = await diagnoseMediaPermissions({ fixedAt });
  progress({ step: 'Done', detail: after.verdict.title });
  return {
    container: web.view.name,
    path,
    owner,
    ownerBefore: formatOwner(before.found),
    entriesToChange: total,
    filesChanged,
    fixedAt,
    durationMs: Date.now() - started,
    after,
  };
}
