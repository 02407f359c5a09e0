/**
 * What the socket proxy lets through to Docker: exactly the calls the dashboard makes, on the compose
 * project's containers. Pure: a method and a request URL in, a decision out. Calls that name a container
 * or an exec instance are decided by the server once Docker says which project that container belongs to.
 */

import { COMPOSE_LABELS } from '../docker/labels';

const PROJECT_LABEL = COMPOSE_LABELS.project;

export type ProxyDecision =
  /** Harmless reads: ping, version, disk usage. */
  | { kind: 'allow' }
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
const PLAIN_READS = new RegExp(`^${VERSION}/(_ping|version|system/df)$`);
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

  if (method === 'GET' && PROJECT_SCOPED_LISTS.test(path)) {
    const filters = new URLSearchParams(query).get('filters');
    return filtersSelectProject(filters, project)
      ? { kind: 'allow' }
      : { kind: 'deny', reason: `only with a filter on the label ${PROJECT_LABEL}=${project}` };
  }
  for (const call of CONTAINER_CALLS) {
    const match = method === call.method ? call.pattern.exec(path) : null;
    if (match) {
      return { kind: 'container', versionPrefix: match[1] ?? '', ref: match[2] as string, action: match[3] as string, query };
    }
  }
  for (const call of EXEC_CALLS) {
    const match = method === call.method ? call.pattern.exec(path) : null;
    if (match) return { kind: 'exec', id: match[2] as string };
  }
  return { kind: 'deny', reason: 'the dashboard never makes this call' };
}
