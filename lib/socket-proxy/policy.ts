/**
 * What the socket proxy lets through to Docker: exactly the calls the dashboard makes, on the compose
 * project's containers. Pure: a method and a request URL in, a decision out. Calls that name a container
 * or an exec instance are decided by the server once Docker's inspect answer is at hand (`containerFacts`,
 * `containerCallRefusal`); an exec's body is checked by `execCreateRefusal` (lib/docker/exec-programs.ts).
 */

import { EXEC_SERVICES } from '../docker/exec-programs';
import { COMPOSE_LABELS } from '../docker/labels';

const PROJECT_LABEL = COMPOSE_LABELS.project;

export type ProxyDecision =
  /** Harmless reads: ping, version. */
  | { kind: 'allow' }
  /** Disk usage, answered with the project's part only (`projectDiskUsage`). */
  | { kind: 'project-df' }
  /** Allowed when container `ref` (an id or a name) carries the project's label; `action` is the path after it. */
  | { kind: 'container'; ref: string; action: string; versionPrefix: string; query: string }
  /** Allowed when the exec instance belongs to a container of the project. */
  | { kind: 'exec'; id: string }
  | { kind: 'deny'; reason: string };

const VERSION = '(/v\\d{1,2}\\.\\d{1,3})?';
const CONTAINER_REF = '([A-Za-z0-9][A-Za-z0-9_.-]{0,127})';

const CONTAINER_CALLS: { method: string; pattern: RegExp }[] = [
  { method: 'GET', pattern: new RegExp(`^${VERSION}/containers/${CONTAINER_REF}/(json|logs|stats)$`) },
  { method: 'POST', pattern: new RegExp(`^${VERSION}/containers/${CONTAINER_REF}/(restart|exec)$`) },
];
const EXEC_CALLS: { method: string; pattern: RegExp }[] = [
  { method: 'GET', pattern: new RegExp(`^${VERSION}/exec/([a-f0-9]{64})/json$`) },
  { method: 'POST', pattern: new RegExp(`^${VERSION}/exec/([a-f0-9]{64})/start$`) },
];
const PLAIN_READS = new RegExp(`^${VERSION}/(_ping|version)$`);
const DISK_USAGE = new RegExp(`^${VERSION}/system/df$`);
const PROJECT_SCOPED_LISTS = new RegExp(`^${VERSION}/(containers/json|events)$`);

/** True when Docker's `filters` query value selects exactly the project's label (both encodings Docker accepts). */
export function filtersSelectProject(filtersParam: string | null, project: string): boolean {
  if (filtersParam === null) return false;
  let filters: unknown;
  try {
    filters = JSON.parse(filtersParam);
  } catch {
    return false;
  }
  if (typeof filters !== 'object' || filters === null) return false;
  const labels = (filters as Record<string, unknown>).label;
  const wanted = `${PROJECT_LABEL}=${project}`;
  // Docker ANDs label filters, so the project's label among them is enough.
  if (Array.isArray(labels)) return labels.includes(wanted);
  if (typeof labels === 'object' && labels !== null) return (labels as Record<string, unknown>)[wanted] === true;
  return false;
}

export function decide(method: string, rawUrl: string, project: string): ProxyDecision {
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rawUrl.slice(queryStart);
  // Matching is on the path as sent; anything Docker's router might decode or clean differently is refused.
  if (!path.startsWith('/') || /%|\\|\/\/|\/\.\.?(\/|$)/.test(path)) {
    return { kind: 'deny', reason: 'the path is not in plain form' };
  }
  if ((method === 'GET' || method === 'HEAD') && PLAIN_READS.test(path)) return { kind: 'allow' };
  if (method === 'GET' && DISK_USAGE.test(path)) return { kind: 'project-df' };

  if (method === 'GET' && PROJECT_SCOPED_LISTS.test(path)) {
    const filters = new URLSearchParams(query).get('filters');
    return filtersSelectProject(filters, project)
      ? { kind: 'allow' }
      : { kind: 'deny', reason: `only with a filter on the label ${PROJECT_LABEL}=${project}` };
  }
  for (const call of CONTAINER_CALLS) {
    const match = method === call.method ? call.pattern.exec(path) : null;
    if (match) {
      return {
        kind: 'container',
        versionPrefix: match[1] ?? '',
        ref: match[2] as string,
        action: match[3] as string,
        query,
      };
    }
  }
  for (const call of EXEC_CALLS) {
    const match = method === call.method ? call.pattern.exec(path) : null;
    if (match) return { kind: 'exec', id: match[2] as string };
  }
  return { kind: 'deny', reason: 'the dashboard never makes this call' };
}

// ---- containers -------------------------------------------------------------------------------------

/** What the proxy needs to know of a container, from Docker's inspect answer. Fixed for the container's life. */
export interface ContainerFacts {
  id: string;
  project: string | null;
  service: string | null;
  /**
   * Why the dashboard may only read it (inspect, stats), when it may: it holds Docker's socket, or it is the dashboard.
   */
  guarded?: string;
}

/**
 * The compose services of the dashboard itself, as deploy/compose.mastodash*.yml names them. Any container of
 * the Mastodash image is recognised too, by the title label the Dockerfile sets (Docker copies an image's
 * labels into each of its containers, and the proxy lets no one create a container).
 */
export const DASHBOARD_SERVICES = ['mastodash', 'mastodash-socket-proxy'] as const;
const DASHBOARD_IMAGE_LABEL = ['org.opencontainers.image.title', 'Mastodash'] as const;

/** Where Docker's socket lives on a host, and the folders that hold it: mounting any of them reaches it. */
const SOCKET_PATHS = ['/var/run/docker.sock', '/run/docker.sock'];
const SOCKET_HOLDERS = new Set(['/', '/var', '/var/run', '/run']);

function isSocketSource(source: string): boolean {
  const clean = source.replace(/\/+$/, '') || '/';
  return SOCKET_PATHS.includes(clean) || SOCKET_HOLDERS.has(clean) || /(^|\/)docker\.sock$/.test(clean);
}

interface InspectAnswer {
  Id?: unknown;
  Config?: { Labels?: Record<string, string> | null } | null;
  Mounts?: Array<{ Type?: string; Source?: string; Destination?: string }> | null;
  HostConfig?: { Binds?: string[] | null } | null;
}

/**
 * A bind whose source is Docker's socket (under any host path), a folder holding it, or that puts
 * it at a socket path inside.
 */
export function mountsDockerSocket(inspect: unknown): boolean {
  const info = (inspect ?? {}) as InspectAnswer;
  const mounts = (info.Mounts ?? []).some(
    (mount) =>
      (mount.Type === 'bind' && isSocketSource(mount.Source ?? '')) || SOCKET_PATHS.includes(mount.Destination ?? ''),
  );
  // HostConfig.Binds as well: it is what was asked for, even before Docker has worked out Mounts.
  const binds = (info.HostConfig?.Binds ?? []).some((bind) => {
    const [source = '', destination = ''] = bind.split(':');
    return (source.startsWith('/') && isSocketSource(source)) || SOCKET_PATHS.includes(destination);
  });
  return mounts || binds;
}

export function containerFacts(inspect: unknown): ContainerFacts {
  const info = (inspect ?? {}) as InspectAnswer;
  const labels = info.Config?.Labels ?? {};
  const service = labels[COMPOSE_LABELS.service] ?? null;
  const facts: ContainerFacts = {
    id: typeof info.Id === 'string' ? info.Id : '',
    project: labels[PROJECT_LABEL] ?? null,
    service,
  };
  if (mountsDockerSocket(info)) return { ...facts, guarded: "it mounts Docker's socket" };
  if (
    (service !== null && (DASHBOARD_SERVICES as readonly string[]).includes(service)) ||
    labels[DASHBOARD_IMAGE_LABEL[0]] === DASHBOARD_IMAGE_LABEL[1]
  ) {
    return { ...facts, guarded: "it is the dashboard's own container" };
  }
  return facts;
}

/**
 * Reads that give no control: the dashboard inspects every container of the project (its own too)
 * and samples their stats.
 */
const GUARDED_READS = new Set(['json', 'stats']);

/** Why `action` (json, logs, stats, restart, exec) on this container is refused; undefined when it is allowed. */
export function containerCallRefusal(
  facts: ContainerFacts,
  action: string,
  ref: string,
  project: string,
): string | undefined {
  if (facts.project !== project) return `container ${ref} is not part of the compose project ${project}`;
  if (facts.guarded !== undefined && !GUARDED_READS.has(action))
    return `container ${ref} may only be inspected: ${facts.guarded}`;
  if (action === 'exec' && !(EXEC_SERVICES as readonly string[]).includes(facts.service ?? '')) {
    const which = facts.service ? `the service ${facts.service}` : 'no compose service';
    const services = `${EXEC_SERVICES.slice(0, -1).join(', ')} and ${EXEC_SERVICES.at(-1)}`;
    return `the dashboard runs commands only in the services ${services}, and ${ref} is ${which}`;
  }
  return undefined;
}

// ---- disk usage -------------------------------------------------------------------------------------

interface DiskUsageAnswer {
  Containers?: Array<{
    ImageID?: string;
    Labels?: Record<string, string> | null;
    Mounts?: Array<{ Type?: string; Name?: string }> | null;
  }> | null;
  Images?: Array<{ Id?: string }> | null;
  Volumes?: Array<{ Name?: string }> | null;
}

/**
 * Docker's /system/df answer cut down to the project: its containers, the images they run and the volumes
 * they mount. The host's other projects stay unseen. LayersSize (all layers of all images) and the build cache
 * have no per-project part, so they are left out; lib/mastodon/storage/docker-disk-usage.ts then adds up
 * the project's images.
 */
export function projectDiskUsage(
  answer: unknown,
  project: string,
): { Containers: unknown[]; Images: unknown[]; Volumes: unknown[]; BuildCache: [] } {
  const df = (answer ?? {}) as DiskUsageAnswer;
  const containers = (df.Containers ?? []).filter((container) => container.Labels?.[PROJECT_LABEL] === project);
  const images = new Set(containers.map((container) => container.ImageID).filter((id) => id !== undefined));
  const volumes = new Set(
    containers.flatMap((container) =>
      (container.Mounts ?? []).filter((mount) => mount.Type === 'volume' && mount.Name).map((mount) => mount.Name),
    ),
  );
  return {
    Containers: containers,
    Images: (df.Images ?? []).filter((image) => image.Id !== undefined && images.has(image.Id)),
    Volumes: (df.Volumes ?? []).filter((volume) => volume.Name !== undefined && volumes.has(volume.Name)),
    BuildCache: [],
  };
}
