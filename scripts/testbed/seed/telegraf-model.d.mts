export type FieldType = 'integer' | 'float' | 'string' | 'boolean';
/** Integers above 2^53 (Unix nanoseconds: started_at, finished_at) are bigint. */
export type FieldValue = number | bigint | string | boolean;
export type HostMeasurement = 'mem' | 'cpu' | 'system' | 'disk';
export type ContainerMeasurement =
  | 'docker_container_mem'
  | 'docker_container_cpu'
  | 'docker_container_status'
  | 'docker_container_health'
  | 'docker_container_net';
export type Measurement = HostMeasurement | ContainerMeasurement;
export type Service = 'web' | 'streaming' | 'sidekiq' | 'db' | 'redis';

export interface SeriesSpec {
  /** `mem`, `cpu`, `system`, `disk`, or `<measurement>:<container_name>`. */
  readonly key: string;
  readonly measurement: Measurement;
  readonly tags: Readonly<Record<string, string>>;
  readonly project?: string;
  readonly service?: Service;
  readonly containerName?: string;
}

export interface Gap {
  readonly name: 'host-outage' | 'web-crash' | 'sidekiq-stopped';
  readonly description: string;
  readonly seriesKeys: readonly string[];
  /** Half-open [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
}

export interface SeededPoint {
  readonly t: number;
  readonly value: FieldValue | undefined;
}

export interface ServiceProfile {
  readonly image: string;
  readonly version?: string;
  readonly memMiB: readonly [number, number];
  readonly cpuPercent: readonly [number, number];
  readonly rxBps: readonly [number, number];
  readonly txBps: readonly [number, number];
}

export interface TelegrafModel {
  readonly anchorMs: number;
  readonly startMs: number;
  readonly fineStartMs: number;
  readonly hostBootMs: number;
  readonly projects: readonly string[];
  readonly series: readonly SeriesSpec[];
  readonly gaps: readonly Gap[];
  /** 10 s inside the fine span (the last SEED_FINE_SPAN_MS), 60 s before it. */
  stepAt(t: number): number;
  /** Grid timestamps in [fromMs, toMs), defaulting to the whole seeded span. */
  timestamps(fromMs?: number, toMs?: number): number[];
  getSeries(key: string): SeriesSpec;
  /** Whether a point of this series was written at t (on the grid and outside every gap). */
  isSeeded(key: string, t: number): boolean;
  fieldsAt(key: string, t: number): Readonly<Record<string, FieldValue>>;
  valueAt(key: string, field: string, t: number): FieldValue | undefined;
  points(key: string, field: string, fromMs: number, toMs: number): SeededPoint[];
  /** What InfluxQL mean() returns over time >= fromMs AND time < toMs; undefined when there is no point. */
  expectedMean(key: string, field: string, fromMs: number, toMs: number): number | undefined;
}

export declare const SEED_DATABASE: 'telegraf';
export declare const SEED_STEP_MS: number;
export declare const SEED_COARSE_STEP_MS: number;
export declare const SEED_FINE_SPAN_MS: number;
export declare const SEED_SPAN_MS: number;
export declare const SEED_MARKER_MEASUREMENT: 'mastodash_testbed_seed';
export declare const DEFAULT_PROJECTS: readonly string[];
export declare const LABEL_FREE_PROJECTS: readonly string[];
export declare const INCIDENT_PROJECT: string;
export declare const SERVICES: readonly Service[];
export declare const HOST: string;
export declare const ENGINE_HOST: string;
export declare const SERVER_VERSION: string;
export declare const MASTODON_VERSION: string;
export declare const HOST_MEM_TOTAL: number;
export declare const HOST_N_CPUS: number;
export declare const DISK_TOTAL: number;
export declare const HOST_MEASUREMENTS: readonly HostMeasurement[];
export declare const CONTAINER_MEASUREMENTS: readonly ContainerMeasurement[];
export declare const FIELD_TYPES: Readonly<Record<Measurement, Readonly<Record<string, FieldType>>>>;
export declare const SERVICE_PROFILES: Readonly<Record<Service, ServiceProfile>>;
export declare const HOST_MEM_USED_PERCENT: readonly [number, number];
export declare const HOST_CPU_BUSY_PERCENT: readonly [number, number];
export declare const UNHEALTHY_BEFORE_CRASH_MS: number;

export declare function projectScale(projectIndex: number): number;
export declare function alignAnchor(nowMs: number): number;
export declare function seriesKeyOf(measurement: Measurement, containerName?: string): string;
export declare function containerNameOf(project: string, service: Service): string;
export declare function createTelegrafModel(options: { anchorMs: number; projects?: readonly string[] }): TelegrafModel;
