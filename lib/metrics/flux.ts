import { linesToTables, stringToLines, type FluxTableMetaData } from '@influxdata/influxdb-client';

import { composeNameRegexSource, fluxColumn, fluxRegex, fluxString } from './quote';
import {
  COMPOSE_PROJECT_TAG,
  CONTAINER_NAME_TAG,
  groupTags,
  type QueryWindow,
  type RawSeries,
  type SeriesQuery,
} from './query-spec';

function durationLiteral(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

function fluxTime(ms: number): string {
  return `time(v: ${fluxString(new Date(ms).toISOString())})`;
}

function transformSteps(query: SeriesQuery, window: QueryWindow): string[] {
  if (query.transform === 'last') {
    // group() concatenates the series of a group without ordering them, and last() takes the last row,
    // not the newest; InfluxQL's last() takes the newest.
    return ['sort(columns: ["_time"])', 'last()'];
  }
  const every = durationLiteral(window.intervalMs);
  const everyNs = `${Math.max(1, Math.round(window.intervalMs))}000000`;
  const steps = [
    `aggregateWindow(every: ${every}, fn: mean, createEmpty:` +
      ` ${query.transform === 'rate' ? 'false' : 'true'}, timeSrc: "_start")`,
    // Flux clips the first window to the range start, so its _start is fromMs itself; InfluxQL labels that
    // bucket with its epoch-aligned start, and the derivative's elapsed time depends on the label too.
    `map(fn: (r) => ({ r with _time: time(v: int(v: r._time) - int(v: r._time) % ${everyNs}) }))`,
  ];
  if (query.transform === 'busy') steps.push('map(fn: (r) => ({ r with _value: 100.0 - r._value }))');
  if (query.transform === 'rate') steps.push('derivative(unit: 1s, nonNegative: true)');
  return steps;
}

function pipeline(query: SeriesQuery, window: QueryWindow, bucket: string): string {
  const conditions = [
    `r._measurement == ${fluxString(query.measurement)}`,
    `r._field == ${fluxString(query.field)}`,
    ...query.where.map(({ tag, equals }) => `${fluxColumn(tag)} == ${fluxString(equals)}`),
  ];
  const steps = [
    `range(start: ${fluxTime(window.fromMs)}, stop: ${fluxTime(window.toMs)})`,
    `filter(fn: (r) => ${conditions.join(' and ')})`,
  ];
  if (query.containers?.by === 'labels') {
    steps.push(`filter(fn: (r) => ${fluxColumn(COMPOSE_PROJECT_TAG)} == ${fluxString(query.containers.project)})`);
  } else if (query.containers?.by === 'name') {
    steps.push(
      `filter(fn: (r) => ${fluxColumn(CONTAINER_NAME_TAG)} =~ ` +
        `${fluxRegex(composeNameRegexSource(query.containers.project))})`,
    );
  }
  // Telegraf writes one series per tag set (container_status, image, host...); grouping by the group tags
  // alone folds them into one per container, as InfluxQL's GROUP BY does.
  steps.push(`group(columns: [${groupTags(query.containers).map(fluxString).join(', ')}])`);
  steps.push(...transformSteps(query, window), `yield(name: ${fluxString(query.id)})`);
  return [`from(bucket: ${fluxString(bucket)})`, ...steps.map((step) => `  |> ${step}`)].join('\n');
}

/** One Flux script for all specs; each yields under its query id, which the answer's `result` column carries. */
export function buildFluxQuery(queries: readonly SeriesQuery[], window: QueryWindow, bucket: string): string {
  return queries.map((query) => pipeline(query, window, bucket)).join('\n\n');
}

/** An error InfluxDB reported inside a 200 answer, as a table with an `error` column. */
export class FluxQueryError extends Error {
  constructor(readonly serverMessage: string) {
    super(`Flux query failed: ${serverMessage}`);
    this.name = 'FluxQueryError';
  }
}

function timeMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function isErrorTable(meta: FluxTableMetaData): boolean {
  return (
    meta.columns.some((column) => column.label === 'error') && !meta.columns.some((column) => column.label === 'result')
  );
}

/** Turns an annotated CSV answer to buildFluxQuery's script back into RawSeries, one per (query, table). */
export function parseFluxCsv(queries: readonly SeriesQuery[], csv: string): RawSeries[] {
  const byId = new Map(queries.map((query) => [query.id, query]));
  const series = new Map<string, RawSeries>();
  let failure: string | undefined;

  stringToLines(
    csv,
    linesToTables({
      next(values: string[], meta: FluxTableMetaData) {
        if (isErrorTable(meta)) {
          failure ??= String(meta.get(values, 'error') ?? '') || 'unknown error';
          return;
        }
        const row: Record<string, unknown> = meta.toObject(values);
        const query = byId.get(String(row.result ?? ''));
        if (!query) return;
        const time = timeMs(row._time);
        if (time === null) return;
        const key = `${query.id}\n${String(row.table ?? '')}`;
        let entry = series.get(key);
        if (!entry) {
          const tags: Record<string, string> = {};
          for (const tag of groupTags(query.containers)) {
            const value = row[tag];
            if (typeof value === 'string' && value !== '') tags[tag] = value;
          }
          entry = { queryId: query.id, tags, points: [] };
          series.set(key, entry);
        }
        const value = row._value;
        entry.points.push([time, typeof value === 'number' && Number.isFinite(value) ? value : null]);
      },
      error(error: Error) {
        failure ??= error.message;
      },
      complete() {},
    }),
  );

  if (failure !== undefined) throw new FluxQueryError(failure);
  const out = [...series.values()];
  for (const entry of out) entry.points.sort((a, b) => a[0] - b[0]);
  return out;
}
