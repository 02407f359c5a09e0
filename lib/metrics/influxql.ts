import { composeNameRegexSource, influxqlIdentifier, influxqlRegex, influxqlString } from './quote';
import {
  COMPOSE_PROJECT_TAG,
  CONTAINER_NAME_TAG,
  groupTags,
  type QueryWindow,
  type RawSeries,
  type SeriesQuery,
} from './query-spec';

function durationLiteral(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function selection(query: SeriesQuery): string {
  const field = influxqlIdentifier(query.field);
  switch (query.transform) {
    case 'mean':
      return `mean(${field})`;
    case 'busy':
      return `100 - mean(${field})`;
    case 'rate':
      return `non_negative_derivative(mean(${field}), 1s)`;
    case 'last':
      return `last(${field})`;
  }
}

/** One InfluxQL SELECT for a spec. Times are absolute (epoch ms) so every statement covers the same window. */
export function buildInfluxqlStatement(query: SeriesQuery, window: QueryWindow): string {
  const conditions = query.where.map(({ tag, equals }) => `${influxqlIdentifier(tag)} = ${influxqlString(equals)}`);
  if (query.containers?.by === 'labels') {
    conditions.push(`${influxqlIdentifier(COMPOSE_PROJECT_TAG)} = ${influxqlString(query.containers.project)}`);
  } else if (query.containers?.by === 'name') {
    conditions.push(
      `${influxqlIdentifier(CONTAINER_NAME_TAG)} =~ ${influxqlRegex(composeNameRegexSource(query.containers.project))}`,
    );
  }
  conditions.push(`time >= ${Math.floor(window.fromMs)}ms`, `time < ${Math.ceil(window.toMs)}ms`);
  const groups = groupTags(query.containers).map(influxqlIdentifier);
  if (query.transform !== 'last') groups.unshift(`time(${durationLiteral(window.intervalMs)})`);
  const groupBy = groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : '';
  const fill = query.transform === 'last' ? '' : ' fill(null)';
  return (
    `SELECT ${selection(query)} AS "value" FROM` +
    ` ${influxqlIdentifier(query.measurement)} WHERE ${conditions.join(' AND ')}${groupBy}${fill}`
  );
}

/** The /query answer (JSON, epoch=ms). */
export interface InfluxqlResponse {
  results?: Array<{
    statement_id?: number;
    error?: string;
    series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values?: unknown[][] }>;
  }>;
  error?: string;
}

/** Turns the answer to a multi-statement request back into RawSeries, by statement order. */
export function parseInfluxqlResponse(queries: readonly SeriesQuery[], body: InfluxqlResponse): RawSeries[] {
  const out: RawSeries[] = [];
  for (const [index, result] of (body.results ?? []).entries()) {
    const query = queries[result.statement_id ?? index];
    if (!query) continue;
    if (result.error) throw new InfluxqlStatementError(result.error, query.id);
    for (const series of result.series ?? []) {
      const timeColumn = series.columns.indexOf('time');
      const valueColumn = series.columns.indexOf('value');
      const points: Array<[number, number | null]> = [];
      for (const row of series.values ?? []) {
        const time = row[timeColumn];
        const value = row[valueColumn];
        if (typeof time !== 'number') continue;
        points.push([time, typeof value === 'number' && Number.isFinite(value) ? value : null]);
      }
      out.push({ queryId: query.id, tags: series.tags ?? {}, points });
    }
  }
  return out;
}

export class InfluxqlStatementError extends Error {
  constructor(
    readonly serverMessage: string,
    readonly queryId: string,
  ) {
    super(`statement ${queryId} failed: ${serverMessage}`);
    this.name = 'InfluxqlStatementError';
  }
}
