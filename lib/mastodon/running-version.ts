import 'server-only';

import { getConfig } from '../config';
import { execInContainer } from '../docker/exec';
import { MASTODON_VERSION_RB } from '../docker/exec-programs';
import { IMAGE_VERSION_LABEL } from '../docker/labels';
import type { ContainerView } from '../docker/types';
import { AppError, toErrorView } from '../errors';
import { text, type Text } from '../i18n/text';
import { currentProjectContainers } from '../live';
import { processSingleton } from '../process/singleton';
import { findAppContainer } from './app-container';
import { describeNetworkError, httpGet, locateService } from './health';
import { parseMastodonVersion, type MastodonVersion } from './version';
import { inEnglish } from '../i18n/english';

/**
 * Which Mastodon version runs: the one answer the registrations page, the Sidekiq panel, the config doctor,
 * the health panel and account creation all use. Sources, best first:
 * 1. the instance API (/api/v2/instance, else /api/v1/instance) of web: what the running Mastodon itself
 *    says, build metadata (+glitch) and a prerelease set through the environment included; only web serves
 *    it, and only while it answers;
 * 2. lib/mastodon/version.rb in the container (through `cat`): the code that runs, whatever the image is
 *    called; needs the container running;
 * 3. the image label org.opencontainers.image.version: the release workflows (docker/metadata-action since
 *    mastodon/mastodon#16973, so every 4.x image) set it to the git tag. Docker copies image labels into the
 *    container's, so it costs no call and works while the container is stopped; an image built from source
 *    with `docker build` has none;
 * 4. the image tag: only what the admin named it. `latest`, no tag (the 4.0 compose file's
 *    `image: tootsuite/mastodon`) or a moved tag say nothing, and a minor-only tag (`v4.2`) gives no patch
 *    release, so it comes last and a better source wins over it.
 */

export type RunningVersion =
  | {
      version: MastodonVersion;
      /**
       * Where the version was read, in English, as data (data-source attributes, logs): "the instance API at
       * http://web:3000". Pages show `from`.
       */
      source: string;
      /** Where the version was read, in the reader's language. */
      from: Text;
      /** Why the better sources gave nothing, in order; absent when the first one answered. */
      passedOver?: Text[];
    }
  | { version?: undefined; problem: Text };

export type SourceAnswer = { version: MastodonVersion; from: Text } | { version?: undefined; problem: Text };

export interface VersionSource {
  /** What is asked, to name it when it fails: "lib/mastodon/version.rb in mdtest-web-1". */
  name: Text;
  read(): Promise<SourceAnswer>;
  /** True when the answer holds for the container's whole life (the image tag alone may be bettered later). */
  lasting: boolean;
}

/**
 * Tries the sources in order; the first that names a patch release wins. A version without one (a `v4.2`
 * tag) is kept only when no later source names a full version.
 */
export async function firstVersion(sources: readonly VersionSource[]): Promise<RunningVersion & { lasting: boolean }> {
  const passedOver: Text[] = [];
  let partial: (SourceAnswer & { version: MastodonVersion }) | undefined;
  // The kept partial answer's own "names no patch release" note: not a source passed over.
  let partialNote: Text | undefined;
  for (const source of sources) {
    let answer: SourceAnswer;
    try {
      answer = await source.read();
    } catch (error) {
      answer = { problem: text('vitals.version.failed', { source: source.name, problem: toErrorView(error).detail }) };
    }
    if (answer.version?.patchKnown) {
      return { ...found(answer), ...(passedOver.length > 0 ? { passedOver } : {}), lasting: source.lasting };
    }
    if (answer.version) {
      const note = text('vitals.version.noPatch', { source: answer.from });
      if (!partial) [partial, partialNote] = [answer, note];
      passedOver.push(note);
    } else {
      passedOver.push(answer.problem);
    }
  }
  if (partial) {
    const others = passedOver.filter((note) => note !== partialNote);
    return { ...found(partial), ...(others.length > 0 ? { passedOver: others } : {}), lasting: false };
  }
  return { problem: joinedNotes(passedOver) ?? text('vitals.version.nothingToAsk'), lasting: false };
}

function found(answer: SourceAnswer & { version: MastodonVersion }) {
  return { version: answer.version, source: inEnglish(answer.from), from: answer.from };
}

/** Notes one after another: "a; b; c". */
export function joinedNotes(notes: readonly Text[]): Text | undefined {
  return notes.reduce<Text | undefined>(
    (first, next) => (first ? text('vitals.version.joined', { first, next }) : next),
    undefined,
  );
}

// ---- the sources --------------------------------------------------------------------------------------

const API_TIMEOUT_MS = 3_000;
const EXEC_TIMEOUT_MS = 10_000;
export const VERSION_RB_PATH = MASTODON_VERSION_RB;

/** The version named in an instance API answer (`version`, e.g. "4.3.17" or "4.5.0-beta.1+glitch"). */
export function versionFromInstance(body: string): MastodonVersion | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  return typeof version === 'string' && version.length < 100 ? parseMastodonVersion(version) : undefined;
}

function instanceApiSource(): VersionSource {
  return {
    name: text('vitals.version.instanceApiName'),
    lasting: true,
    async read() {
      const { mastodon } = getConfig();
      const { baseUrl } = (await locateService('web')).address;
      // Production forces https: without the headers a reverse proxy sends, Rails redirects.
      const headers: Record<string, string> = { accept: 'application/json', 'x-forwarded-proto': 'https' };
      if (mastodon.localDomain) headers.host = mastodon.localDomain;
      const where = text('vitals.version.instanceApi', { baseUrl });
      const failed = (problem: Text) => ({ problem: text('vitals.version.failed', { source: where, problem }) });
      let problem: Text | undefined;
      for (const path of ['/api/v2/instance', '/api/v1/instance']) {
        try {
          const answer = await httpGet(`${baseUrl}${path}`, headers, API_TIMEOUT_MS);
          if (answer.status === 200) {
            const version = versionFromInstance(answer.body);
            if (version) return { version, from: where };
            return failed(text('vitals.version.pathNoVersion', { path }));
          }
          problem = text('vitals.version.pathStatus', { path, status: String(answer.status) });
          // Only a missing v2 (before 4.0, or a proxy that routes only v1) is worth asking v1 for.
          if (answer.status !== 404) break;
        } catch (error) {
          return failed(describeNetworkError(error));
        }
      }
      return failed(problem ?? text('vitals.version.nothingToAsk'));
    },
  };
}

/**
 * The version in lib/mastodon/version.rb, as its methods return it: `major`, `minor`, `patch`, and the
 * prerelease default (`flags` up to 4.1, appended as is: "4.0.0rc3"; `default_prerelease` from 4.2, after
 * a dash: "4.2.0-beta1"). Build metadata such as +glitch comes from the environment or config/mastodon.yml,
 * so only the instance API reports it.
 */
export function parseVersionRb(text: string): MastodonVersion | undefined {
  const method = (name: string, value: string) =>
    new RegExp(`def ${name}\\s*\\n\\s*${value}\\s*\\n\\s*end`).exec(text)?.[1];
  const [major, minor, patch] = ['major', 'minor', 'patch'].map((name) => method(name, '(\\d+)'));
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  const base = `${Number(major)}.${Number(minor)}.${Number(patch)}`;
  const quoted = `(?:ENV\\.fetch\\('MASTODON_VERSION_FLAGS',\\s*)?'([\\w.]*)'\\)?`;
  const flags = method('flags', quoted);
  const prerelease = method('default_prerelease', quoted);
  const full = prerelease ? `${base}-${prerelease}` : flags ? `${base}${flags}` : base;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), patchKnown: true, text: full };
}

/** The program run in the container for version.rb (lib/docker/exec-programs.ts lets it read that file only). */
export const VERSION_RB_PROGRAM = 'cat' as const;

function versionRbSource(container: ContainerView): VersionSource {
  const where = text('vitals.version.versionRb', {
    path: VERSION_RB_PATH.replace('/opt/mastodon/', ''),
    container: container.name,
  });
  const failed = (problem: Text) => ({ problem: text('vitals.version.failed', { source: where, problem }) });
  return {
    name: where,
    lasting: true,
    async read() {
      if (container.state !== 'running') return failed(text('vitals.version.notRunning'));
      const result = await execInContainer(container.id, [VERSION_RB_PROGRAM, VERSION_RB_PATH], {
        timeoutMs: EXEC_TIMEOUT_MS,
        maxOutputBytes: 64 * 1024,
        waitingFor: text('jobs.waitingFor.commandIn', {
          command: `${VERSION_RB_PROGRAM} ${VERSION_RB_PATH}`,
          container: container.name,
        }),
      });
      if (result.exitCode !== 0) {
        const missing = /No such file/i.test(result.stderr);
        return failed(
          text(missing ? 'vitals.version.exitedMissing' : 'vitals.version.exited', {
            program: VERSION_RB_PROGRAM,
            code: String(result.exitCode),
          }),
        );
      }
      const version = parseVersionRb(result.stdout);
      return version ? { version, from: where } : failed(text('vitals.version.noNumbers'));
    },
  };
}

function imageName(container: ContainerView): string {
  return `${container.image}:${container.imageTag}`;
}

function imageLabelSource(container: ContainerView): VersionSource {
  const where = text('vitals.version.imageLabel', { label: IMAGE_VERSION_LABEL, image: imageName(container) });
  return {
    name: where,
    lasting: true,
    async read() {
      if (container.versionLabel === undefined)
        return { problem: text('vitals.version.noLabel', { image: imageName(container), label: IMAGE_VERSION_LABEL }) };
      const version = parseMastodonVersion(container.versionLabel);
      return version
        ? { version, from: where }
        : {
            problem: text('vitals.version.labelNoVersion', {
              source: where,
              value: JSON.stringify(container.versionLabel),
            }),
          };
    },
  };
}

function imageTagSource(container: ContainerView): VersionSource {
  const where = text('vitals.version.imageTag', { image: imageName(container) });
  return {
    name: where,
    lasting: false,
    async read() {
      const version = parseMastodonVersion(container.imageTag);
      return version
        ? { version, from: where }
        : {
            problem: text('vitals.version.tagNoVersion', {
              tag: JSON.stringify(container.imageTag),
              container: container.name,
            }),
          };
    },
  };
}

/** The sources for one container, in order; the instance API is web's, so it is asked only for web. */
export function sourcesFor(container: ContainerView): VersionSource[] {
  return [
    ...(container.service === 'web' && container.state === 'running' ? [instanceApiSource()] : []),
    versionRbSource(container),
    imageLabelSource(container),
    imageTagSource(container),
  ];
}

// ---- which container, and the cache -------------------------------------------------------------------

/**
 * By container id: a container keeps its image (and its environment) for its whole life, and Compose makes a
 * new container for a new image, so a lasting answer never goes stale. An answer from the tag alone, none, or
 * one read while Docker could not be asked is kept a minute, so that web coming up is noticed while a page's
 * refreshes do not ask again and again.
 * The promise is kept, so that the panels of one page load, which ask at once, share one read.
 */
type Cached = { answer: Promise<RunningVersion>; expiresAt: number };
const TAG_ANSWER_TTL_MS = 60_000;
const CACHE_LIMIT = 32;

function cache(): Map<string, Cached> {
  return processSingleton('mastodon.running-versions', () => new Map<string, Cached>());
}

export function forgetRunningVersionsForTesting(): void {
  cache().clear();
}

function remembered(key: string, read: () => Promise<RunningVersion & { lasting: boolean }>): Promise<RunningVersion> {
  const versions = cache();
  const known = versions.get(key);
  if (known && known.expiresAt > Date.now()) return known.answer;
  const entry: Cached = {
    answer: Promise.resolve({ problem: text('vitals.version.nothingToAsk') }),
    expiresAt: Number.POSITIVE_INFINITY,
  };
  entry.answer = read().then(({ lasting, ...answer }) => {
    if (!lasting) entry.expiresAt = Date.now() + TAG_ANSWER_TTL_MS;
    return answer;
  });
  if (versions.size >= CACHE_LIMIT) versions.clear();
  versions.set(key, entry);
  return entry.answer;
}

function versionOfContainer(container: ContainerView): Promise<RunningVersion> {
  const key = `${container.id}|${container.state === 'running' ? 'running' : 'stopped'}`;
  return remembered(key, () => firstVersion(sourcesFor(container)));
}

/**
 * The Mastodon version that runs. `sidekiq` asks for the version Sidekiq runs: mid-upgrade its image may
 * differ from web's, and it is Sidekiq that writes the keys the Sidekiq panel reads.
 */
export async function readRunningVersion(options: { of?: 'web' | 'sidekiq' } = {}): Promise<RunningVersion> {
  let containers: ContainerView[];
  try {
    containers = await currentProjectContainers();
  } catch (error) {
    // Without Docker only web's API can still be asked.
    const docker = text('vitals.version.docker', { title: toErrorView(error).title });
    return remembered('without-docker', async () => {
      const viaApi = await firstVersion([instanceApiSource()]);
      return viaApi.version
        ? { version: viaApi.version, source: viaApi.source, from: viaApi.from, lasting: false }
        : { problem: text('vitals.version.joined', { first: docker, next: viaApi.problem }), lasting: false };
    });
  }
  const container = pickContainer(containers, options.of ?? 'web');
  if (!container) return { problem: text('vitals.version.noContainer', { project: getConfig().composeProject }) };
  const found = pickContainer(containers, 'web');
  const web = found?.service === 'web' && found !== container ? found : undefined;
  // Sidekiq on web's image runs web's code: web's answer (its API) holds for it, and every page names one source.
  if (web && web.imageId !== undefined && web.imageId === container.imageId) return versionOfContainer(web);
  const own = await versionOfContainer(container);
  return own.version || !web ? own : versionOfContainer(web);
}

function pickContainer(containers: readonly ContainerView[], of: 'web' | 'sidekiq'): ContainerView | undefined {
  if (of === 'web')
    return findAppContainer(containers, { running: true }) ?? findAppContainer(containers, { running: false });
  const sidekiqs = containers
    .filter((c) => c.service === 'sidekiq')
    .sort(
      (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.containerNumber - b.containerNumber,
    );
  return sidekiqs[0] ?? pickContainer(containers, 'web');
}

/** The version of the container tootctl runs in; refused when no source names one, since tootctl's options differ. */
export async function requireVersionOf(container: ContainerView): Promise<MastodonVersion> {
  const running = await versionOfContainer(container);
  if (running.version) return running.version;
  throw new AppError(
    'conflict',
    text('vitals.errors.unknownVersion.title'),
    text('vitals.errors.unknownVersion.detail', {
      container: container.name,
      image: imageName(container),
      problem: running.problem ?? '',
    }),
    text('vitals.errors.unknownVersion.fix'),
  );
}
