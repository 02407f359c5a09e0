import 'server-only';

import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { getConfig } from '../config';
import { inspectListenFacts, inspectOwnContainer } from '../docker/containers';
import { execInContainer } from '../docker/exec';
import type { ListenFacts } from '../docker/listen-facts';
import type { ContainerView, HealthState } from '../docker/types';
import { currentProjectContainers } from '../live';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { processSingleton } from '../process/singleton';
import { postgres } from '../postgres/client';
import { postgresUnavailable } from '../postgres/errors';
import { findAppContainer } from './app-container';
import {
  defaultAddress,
  discoverAddress,
  PROBED_SERVICES,
  type ProbedService,
  type ServiceAddress,
} from './service-address';
import { text, type Text } from '../i18n/text';

/**
 * Mastodon's own liveness answers: web's /health and streaming's /api/v1/streaming/health, the URLs of the
 * health checks in mastodon/mastodon v4.3.0 docker-compose.yml.
 */
export interface ProbeResult {
  url: string;
  ok: boolean;
  /** Milliseconds from request to the end of the answer; absent when nothing answered. */
  ms?: number;
  status?: number;
  /** What went wrong, in words; absent when ok. */
  problem?: Text;
}

const PROBE_TIMEOUT_MS = 3_000;
const BODY_CAP = 64 * 1024;

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/**
 * One GET with node:http, because the instance API needs a Host header (LOCAL_DOMAIN), which fetch may not
 * set. Redirects are not followed: a 301 to https means X-Forwarded-Proto was not honoured.
 */
export function httpGet(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const send = url.startsWith('https:') ? httpsRequest : request;
    const req = send(url, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < BODY_CAP) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}

export function describeNetworkError(error: unknown): Text {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return text('vitals.probe.refused');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return text('vitals.probe.unknownHost');
  if (code === 'ETIMEDOUT') return text('vitals.probe.timeout', { seconds: PROBE_TIMEOUT_MS / 1000 });
  if (code === 'ECONNRESET') return text('vitals.probe.reset');
  // Node's own message (a system error), which has no words of ours to translate.
  return text('vitals.probe.other', { message: error instanceof Error ? error.message : String(error) });
}

export async function probe(url: string): Promise<ProbeResult> {
  try {
    const answer = await httpGet(url, { accept: 'text/plain' }, PROBE_TIMEOUT_MS);
    const ms = Math.round(answer.ms * 10) / 10;
    if (answer.status !== 200)
      return {
        url,
        ok: false,
        ms,
        status: answer.status,
        problem: text('vitals.probe.status', { status: answer.status }),
      };
    if (answer.body.trim() !== 'OK')
      return { url, ok: false, ms, status: answer.status, problem: text('vitals.probe.notOk') };
    return { url, ok: true, ms, status: answer.status };
  } catch (error) {
    return { url, ok: false, problem: describeNetworkError(error) };
  }
}

/** A probe of web or streaming, with the address it used, how that was found, and what Docker says of the container. */
export interface ServiceProbe extends ProbeResult {
  address: ServiceAddress;
  container?: { name: string; health: HealthState };
  /** Set when the probe failed while Docker calls the container healthy: says so and names the key to set. */
  hint?: Text;
}

/** The service's container: a running one first, lowest compose number first. */
function serviceContainer(containers: readonly ContainerView[], service: ProbedService): ContainerView | undefined {
  return containers
    .filter((c) => c.service === service)
    .sort(
      (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.containerNumber - b.containerNumber,
    )[0];
}

/**
 * Listen facts by container id and start time: network addresses can change when a container starts again,
 * nothing else of them while it runs, so one inspect per start serves every refresh of every viewer.
 */
const OWN_CONTAINER_TTL_MS = 5 * 60_000;

export function listenFactsOf(container: ContainerView): Promise<ListenFacts | undefined> {
  const cache = processSingleton('health.listen-facts', () => new Map<string, Promise<ListenFacts | undefined>>());
  const key = `${container.id}|${container.startedAt ?? ''}|${container.state}`;
  const known = cache.get(key);
  if (known) return known;
  // The promise is kept, so the probe and the version read, which ask at once, share one inspect.
  const facts = inspectListenFacts(container.id);
  if (cache.size >= 16) cache.clear();
  cache.set(key, facts);
  facts.catch(() => cache.delete(key));
  return facts;
}

async function ownContainer(): Promise<ListenFacts | undefined> {
  const slot = processSingleton<{ cached?: { facts: ListenFacts | undefined; until: number } }>(
    'health.own-container',
    () => ({}),
  );
  if (slot.cached && slot.cached.until > Date.now()) return slot.cached.facts;
  // Not being able to tell counts as "not in a container": the other ways still find an address.
  const facts = await inspectOwnContainer().catch(() => undefined);
  slot.cached = { facts, until: Date.now() + OWN_CONTAINER_TTL_MS };
  return facts;
}

interface Located {
  address: ServiceAddress;
  container?: ContainerView;
}

async function findServiceContainer(service: ProbedService): Promise<ContainerView | undefined> {
  return serviceContainer(await currentProjectContainers(), service);
}

/**
 * Where to probe web or streaming: the configured URL (without asking Docker, so that a hung Docker does not
 * hold up the probe), else the address found from its container.
 */
export async function locateService(service: ProbedService): Promise<Located> {
  const { mastodon } = getConfig();
  const { key, defaultPort } = PROBED_SERVICES[service];
  const configured = service === 'web' ? mastodon.webUrl : mastodon.streamingUrl;
  if (configured) {
    return { address: { baseUrl: configured, source: 'configured', how: text('vitals.address.configured', { key }) } };
  }
  const fallback = (why: Text | string): ServiceAddress => defaultAddress(defaultPort, why);
  let container: ContainerView | undefined;
  try {
    container = await findServiceContainer(service);
  } catch (error) {
    return {
      address: fallback(text('vitals.address.askFailed', { title: toErrorView(error).title, service })),
    };
  }
  try {
    const [facts, own] = await Promise.all([container ? listenFactsOf(container) : undefined, ownContainer()]);
    return { address: discoverAddress(service, facts, own), ...(container ? { container } : {}) };
  } catch (error) {
    return { address: fallback(toErrorView(error).title), ...(container ? { container } : {}) };
  }
}

function unansweredHint(service: ProbedService, located: Located, result: ProbeResult): Text | undefined {
  if (result.ok || located.container?.health !== 'healthy') return undefined;
  const { key } = PROBED_SERVICES[service];
  return text(located.address.source === 'configured' ? 'vitals.address.hintConfigured' : 'vitals.address.hintFound', {
    name: located.container.name,
    url: result.url,
    key,
    service,
  });
}

export async function probeService(service: ProbedService): Promise<ServiceProbe> {
  const located = await locateService(service);
  const result = await probe(`${located.address.baseUrl}${PROBED_SERVICES[service].healthPath}`);
  // A configured URL was probed without Docker; only a failure needs the container, for the hint.
  if (!result.ok && !located.container && located.address.source === 'configured') {
    const container = await findServiceContainer(service).catch(() => undefined);
    if (container) located.container = container;
  }
  const hint = unansweredHint(service, located, result);
  return {
    ...result,
    address: located.address,
    ...(located.container ? { container: { name: located.container.name, health: located.container.health } } : {}),
    ...(hint ? { hint } : {}),
  };
}

export function probeWeb(): Promise<ServiceProbe> {
  return probeService('web');
}

export function probeStreaming(): Promise<ServiceProbe> {
  return probeService('streaming');
}

export type MigrationState =
  | { ok: true; applied: number; files: number; pending: string[]; postDeployPending: string[]; container: string }
  | { ok: false; error: ErrorView };

const MIGRATION_DIRS = ['/opt/mastodon/db/migrate', '/opt/mastodon/db/post_migrate'] as const;

/** 14-digit versions from `ls -1` output of migration files (20240307180905_migrate_x.rb). */
export function migrationVersions(listing: string): string[] {
  const versions = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /^(\d{14})_\w+\.rb$/.exec(line.trim());
    if (match) versions.add(match[1]!);
  }
  return [...versions].sort();
}

/**
 * The migration files of a container, by container id. They come from its image, which a container keeps
 * for its whole life (Compose makes a new container for a new image), so they are listed once per
 * container instead of with two execs on every refresh of every viewer.
 */
const MIGRATION_CACHE_LIMIT = 16;

async function migrationFiles(container: { id: string; name: string }): Promise<[string[], string[]]> {
  const migrationFilesByContainer = processSingleton(
    'health.migration-files',
    () => new Map<string, [string[], string[]]>(),
  );
  const known = migrationFilesByContainer.get(container.id);
  if (known) return known;
  const listings = await Promise.all(
    MIGRATION_DIRS.map(async (dir) => {
      const result = await execInContainer(container.id, ['ls', '-1', dir], {
        timeoutMs: 10_000,
        maxOutputBytes: 2 * 1024 * 1024,
      });
      if (result.exitCode !== 0 && !/No such file/i.test(result.stderr)) {
        throw new AppError(
          'upstream_failed',
          text('vitals.errors.migrationsList.title'),
          text('vitals.errors.migrationsList.lsFailed', {
            dir,
            container: container.name,
            code: String(result.exitCode),
            output: result.stderr.trim().slice(0, 200),
          }),
        );
      }
      return migrationVersions(result.stdout);
    }),
  );
  if (migrationFilesByContainer.size >= MIGRATION_CACHE_LIMIT) migrationFilesByContainer.clear();
  migrationFilesByContainer.set(container.id, listings as [string[], string[]]);
  return listings as [string[], string[]];
}

/**
 * Pending migrations: the files in the web image (mastodon/mastodon v4.3.0 db/migrate and db/post_migrate)
 * against schema_migrations, the cheap exact check. Post-deployment migrations are listed apart, as
 * Mastodon runs them after the deploy.
 */
export async function readMigrationState(): Promise<MigrationState> {
  try {
    const container = findAppContainer(await currentProjectContainers(), { running: true });
    if (!container)
      throw new AppError(
        'not_found',
        text('vitals.errors.migrationsList.title'),
        text('vitals.errors.migrationsList.noContainer'),
      );
    const listings = await migrationFiles(container);
    let applied: Set<string>;
    try {
      const rows = await postgres().query<{ version: string }>('SELECT version FROM schema_migrations');
      applied = new Set(rows.rows.map((row) => row.version));
    } catch (error) {
      throw postgresUnavailable(error);
    }
    const [migrate, postMigrate] = listings as [string[], string[]];
    return {
      ok: true,
      applied: applied.size,
      files: migrate.length + postMigrate.length,
      pending: migrate.filter((v) => !applied.has(v)),
      postDeployPending: postMigrate.filter((v) => !applied.has(v)),
      container: container.name,
    };
  } catch (error) {
    return { ok: false, error: toErrorView(error) };
  }
}
