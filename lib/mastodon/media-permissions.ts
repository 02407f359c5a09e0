import 'server-only';

import { getConfig } from '../config';
import { dockerCalls } from '../docker/client';
import { listProjectContainers } from '../docker/containers';
import { dockerUnavailable } from '../docker/errors';
import { text, type Text } from '../i18n/text';
import { execInContainer } from '../docker/exec';
import type { ContainerView } from '../docker/types';
import { AppError } from '../errors';
import type { JobProgress, JobView } from '../jobs/types';
import { recentMediaErrors } from './media-log-evidence';
import { MASTODON_MEDIA_PATH, MASTODON_MEDIA_PATHS, type MastodonMediaPath } from './media-path';
import { objectStorageEnabledIn } from './object-storage';
import {
  DEFAULT_MEDIA_OWNER,
  formatOwner,
  mediaVerdict,
  parseId,
  parseStatOutput,
  type FolderStat,
  type MediaDiagnosis,
  type MediaEvidence,
  type MediaFixResult,
  type MediaOwner,
} from './media-verdict';

/**
 * The `Errno::EACCES … public/system` problem: Docker creates a missing bind-mount source as root,
 * Mastodon runs as uid 991 and cannot write uploads. Diagnosis reads the web container's folder owner,
 * a writability probe as Mastodon's user and the recent logs (media-log-evidence.ts), and judges them
 * (media-verdict.ts); the fix is one `chown -R` as root inside web, which lib/docker/exec-programs.ts
 * lets run as root. Paths come from a fixed allow-list (media-path.ts) and the ids from the image, never
 * from the browser.
 */

const CHECK_TIMEOUT_MS = 20_000;
const COUNT_TIMEOUT_MS = 10 * 60_000;
const CHOWN_TIMEOUT_MS = 30 * 60_000;
/** At most this often a counting progress update (chown prints a line per file, thousands a second). */
const PROGRESS_EVERY_MS = 250;

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

type WebTarget = {
  view: ContainerView;
  path: MastodonMediaPath;
  hostPath?: string;
  s3Enabled: boolean;
  /** Whether the container has a TTY: its log is then raw text, not Docker's frames. */
  tty: boolean;
};

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
    throw new AppError('not_found', text('media.errors.noWeb.title'), text('media.errors.noWeb.detail', { project }));
  }
  if (view.state !== 'running') {
    throw new AppError(
      'conflict',
      text('media.errors.webStopped.title'),
      text('media.errors.webStopped.detail', { name: view.name, state: view.state }),
      text('media.errors.webStopped.fix'),
    );
  }
  let info;
  try {
    info = await dockerCalls().getContainer(view.id).inspect();
  } catch (error) {
    throw dockerUnavailable(error, getConfig().docker);
  }
  // docker inspect shows the declared destination (/mastodon/public/system through the image's symlink).
  const mount = (info.Mounts ?? []).find((m) => (MASTODON_MEDIA_PATHS as readonly string[]).includes(m.Destination));
  const path = MASTODON_MEDIA_PATHS.find((p) => p === mount?.Destination) ?? MASTODON_MEDIA_PATH;
  const s3Enabled = objectStorageEnabledIn(info.Config?.Env);
  const tty = info.Config?.Tty === true;
  return { view, path, ...(mount?.Source ? { hostPath: mount.Source } : {}), s3Enabled, tty };
}

async function expectedOwner(containerId: string): Promise<{ owner: MediaOwner; from: 'image' | 'default' }> {
  const options = {
    timeoutMs: CHECK_TIMEOUT_MS,
    waitingFor: text('media.waitingFor.idInWeb', { command: 'id mastodon' }),
  };
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

async function statFolder(containerId: string, path: MastodonMediaPath): Promise<FolderStat> {
  const result = await execInContainer(containerId, ['stat', '-c', '%u:%g %a %U:%G %Z', '--', path], {
    user: '0',
    timeoutMs: CHECK_TIMEOUT_MS,
    waitingFor: text('media.waitingFor.stat', { path }),
  });
  if (result.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      text('media.errors.statFailed.title'),
      text('media.errors.statFailed.detail', { path, output: (result.stderr || result.stdout).trim().slice(0, 300) }),
    );
  }
  return parseStatOutput(result.stdout);
}

/** `test -w` as Mastodon's uid:gid: exit 0 writable, 1 not. */
async function probeWritable(containerId: string, path: MastodonMediaPath, owner: MediaOwner): Promise<boolean> {
  const result = await execInContainer(containerId, ['test', '-w', path], {
    user: formatOwner(owner),
    timeoutMs: CHECK_TIMEOUT_MS,
    waitingFor: text('media.waitingFor.writable', { path, owner: formatOwner(owner) }),
  });
  if (result.exitCode === 0) return true;
  if (result.exitCode === 1) return false;
  throw new AppError(
    'upstream_failed',
    text('media.errors.probeFailed.title'),
    text('media.errors.probeFailed.detail', {
      path,
      code: String(result.exitCode),
      output: result.stderr.trim().slice(0, 300),
    }),
  );
}

async function collectEvidence(web: WebTarget): Promise<MediaEvidence> {
  const id = web.view.id;
  const [{ owner, from }, found, log] = await Promise.all([
    expectedOwner(id),
    statFolder(id, web.path),
    recentMediaErrors(id, web.tty),
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

/** The job kind of the ownership fix (its audit action). */
export const MEDIA_FIX_JOB = 'media.permissions_fixed';

/**
 * When the newest successful ownership fix ended: log lines older than it predate the fix. The Media page and
 * the "Needs attention" detector both pass it to the diagnosis, so they judge the same lines alike.
 */
export function lastMediaFixAt(jobs: readonly JobView[]): string | undefined {
  return jobs
    .filter(
      (job) => job.kind === MEDIA_FIX_JOB && job.status === 'succeeded' && typeof job.result?.fixedAt === 'string',
    )
    .map((job) => job.result!.fixedAt as string)
    .sort()
    .at(-1);
}

/** Checks the media folder of the project's web container and says what is wrong, with the evidence. */
export async function diagnoseMediaPermissions(options: { fixedAt?: string } = {}): Promise<MediaDiagnosis> {
  const evidence = await collectEvidence(await findWeb());
  return { evidence, verdict: mediaVerdict(evidence, options) };
}

/** Reports counting progress at most every PROGRESS_EVERY_MS, and always the final count. */
function throttled(
  progress: JobProgress,
  step: Text,
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
  progress({ step: text('media.steps.checking') });
  const web = await findWeb();
  if (options.expect && (options.expect.container !== web.view.name || options.expect.path !== web.path)) {
    throw new AppError(
      'conflict',
      text('media.errors.folderChanged.title'),
      text('media.errors.folderChanged.detail', {
        shown: `${options.expect.container}:${options.expect.path}`,
        now: `${web.view.name}:${web.path}`,
      }),
      text('media.errors.folderChanged.fix'),
    );
  }
  const before = await collectEvidence(web);
  const { path, expected } = before;
  const owner = formatOwner(expected);
  const id = web.view.id;

  // Counted with -print0 (no shell pipe): one NUL per entry whose owner or group differs, as chown -c reports them.
  const counting = text('media.steps.counting', { path, owner });
  progress({ step: counting });
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
      waitingFor: text('media.waitingFor.count', { path, container: web.view.name }),
    },
  );
  if (count.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      text('media.errors.countFailed.title'),
      text('media.errors.countFailed.detail', {
        path,
        code: String(count.exitCode),
        output: count.stderr.trim().slice(0, 300),
      }),
    );
  }
  const total = counter.count();
  progress({ step: counting, detail: text('media.steps.toChange', { total: String(total) }) });

  const step = text('media.steps.changing', { owner });
  const report = throttled(progress, step, total);
  report.flush(0);
  const changed = recordCounter('\n');
  // exactly this argv (plus -c for one line per changed entry), as root on this exec only.
  const chown = await execInContainer(id, ['chown', '-R', '-h', '-c', owner, '--', path], {
    user: '0',
    timeoutMs: CHOWN_TIMEOUT_MS,
    maxOutputBytes: 16 * 1024,
    onStdout: (chunk) => report.update(changed.add(chunk)),
    waitingFor: text('media.waitingFor.chown', { total: String(total), path, container: web.view.name }),
  });
  const filesChanged = changed.count();
  report.flush(filesChanged);
  if (chown.exitCode !== 0) {
    throw new AppError(
      'upstream_failed',
      text('media.errors.chownFailed.title'),
      text('media.errors.chownFailed.detail', {
        code: String(chown.exitCode),
        changed: String(filesChanged),
        total: String(total),
        output: chown.stderr.trim().slice(0, 400),
      }),
      text('media.errors.chownFailed.fix'),
    );
  }
  const fixedAt = new Date().toISOString();

  progress({ step: text('media.steps.checkingAgain') });
  const after = await diagnoseMediaPermissions({ fixedAt });
  progress({ step: text('media.steps.done'), detail: after.verdict.title });
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
