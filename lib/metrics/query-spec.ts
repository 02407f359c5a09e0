/**
 * What the dashboard asks of Telegraf's data, independent of the query language. The InfluxQL and Flux
 * builders turn a spec into text; their parsers turn the answer back into RawSeries.
 * Names follow Telegraf exactly (influxdata/telegraf plugins/inputs/{docker,mem,cpu,system}/README.md).
 */

export const COMPOSE_PROJECT_TAG = 'com.docker.compose.project';
export const COMPOSE_SERVICE_TAG = 'com.docker.compose.service';
export const CONTAINER_NAME_TAG = 'container_name';

/**
 * How the project's containers are found: by the compose labels Telegraf turns into tags, or, when it
 * does not collect labels, by their names (project-service-1 in Compose v2, project_service_1 in v1).
 */
export type ContainerSelector = { by: 'labels'; project: string } | { by: 'name'; project: string };

export type SeriesTransform =
  /** mean(field) per bucket */
  | 'mean'
  /** 100 − mean(field) per bucket: CPU busy from usage_idle */
  | 'busy'
  /** per-second non-negative derivative of mean(field): rates from Telegraf's cumulative counters */
  | 'rate'
  /** the newest point in the window, no buckets */
  | 'last';

export interface SeriesQuery {
  /** Names the query in the answer; unique within one request. */
  id: string;
  measurement: string;
  field: string;
  transform: SeriesTransform;
  /** Tag equality filters (cpu = 'cpu-total', network = 'total'). */
  where: ReadonlyArray<{ tag: string; equals: string }>;
  /** Present for container measurements; the answer is then one series per container. */
  containers?: ContainerSelector;
}

export interface QueryWindow {
  fromMs: number;
  toMs: number;
  /** Bucket size; ignored by 'last'. */
  intervalMs: number;
}

/** One series of an answer: which query, which container (for container queries), and its points. */
export interface RawSeries {
  queryId: string;
  /** Group tags: container_name, and com.docker.compose.service when selected by labels. */
  tags: Readonly<Record<string, string>>;
  points: Array<[number, number | null]>;
}

/** The tags a container query groups by. */
export function groupTags(selector: ContainerSelector | undefined): string[] {
  if (!selector) return [];
  return selector.by === 'labels' ? [CONTAINER_NAME_TAG, COMPOSE_SERVICE_TAG] : [CONTAINER_NAME_TAG];
}

/** The compose service of a container series: its label, or parsed from the name. */
export function serviceOf(tags: Readonly<Record<string, string>>, project: string): string {
  const label = tags[COMPOSE_SERVICE_TAG];
  if (label) return label;
  const name = tags[CONTAINER_NAME_TAG] ?? '';
  const rest = name.startsWith(`${project}-`) || name.startsWith(`${project}_`) ? name.slice(project.length + 1) : name;
  return rest.replace(/[-_]\d+$/, '');
}
