import 'server-only';

import { getConfig, type Config } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/text';
import { pingInflux, queryFlux, queryInfluxql, type InfluxServer } from '../influx/client';
import { dropProcessSingleton, processSingleton } from '../process/singleton';
import {
  containerQueries,
  headlineLastQueries,
  headlineTrendQueries,
  hostCharts,
  newestPoint,
  perService,
  pointsOf,
  serviceCharts,
} from './charts';
import { buildFluxQuery, parseFluxCsv } from './flux';
import { buildInfluxqlStatement, parseInfluxqlResponse } from './influxql';
import { hostQueries } from './charts';
import type { ContainerSelector, QueryWindow, RawSeries, SeriesQuery } from './query-spec';
import type {
  HeadlineFigure,
  HeadlineView,
  MetricChart,
  MetricPoint,
  MetricsNotice,
  MetricsRangeView,
  MetricsSourceView,
} from './types';

type InfluxConfig = Config['influx'];
export type QueryLanguage = 'influxql' | 'flux';

/**
 * Which language to speak: forced by INFLUX_QUERY_LANGUAGE, else Flux when a bucket is configured and
 * the server has Flux (2.x, 1.8+), else InfluxQL over /query, which every version answers.
 */
export function chooseQueryLanguage(
  config: Pick<InfluxConfig, 'language' | 'bucket'>,
  server: InfluxServer,
): QueryLanguage {
  const hasFlux = server.major === 2 || (server.major === 1 && server.minor >= 8);
  if (config.language === 'influxql') return 'influxql';
  if (config.language === 'flux') {
    if (!hasFlux) {
      throw new AppError(
        'invalid_input',
        text('graphs.errors.noFlux.title', { version: server.version }),
        server.major >= 3 ? text('graphs.errors.noFlux.detailV3') : text('graphs.errors.noFlux.detail'),
        text('graphs.errors.noFlux.fix'),
      );
    }
    return 'flux';
  }
  return config.bucket && hasFlux ? 'flux' : 'influxql';
}

const SERVER_TTL_MS = 30_000;
const SELECTOR_TTL_MS = 5 * 60_000;

interface Memo {
  server?: { key: string; value: InfluxServer; until: number };
  selector?: { key: string; value: ContainerSelector['by']; until: number };
}
function memo(): Memo {
  return processSingleton<Memo>('metrics.influx', () => ({}));
}

/** For tests: forget the cached server version and label decision. */
export function resetInfluxSourceForTesting(): void {
  dropProcessSingleton('metrics.influx');
}

async function serverOf(config: InfluxConfig): Promise<InfluxServer> {
  const cached = memo().server;
  if (cached && cached.key === config.url && cached.until > Date.now()) return cached.value;
  const value = await pingInflux(config);
  memo().server = { key: config.url ?? '', value, until: Date.now() + SERVER_TTL_MS };
  return value;
}

export interface InfluxConnection {
  config: InfluxConfig;
  server: InfluxServer;
  language: QueryLanguage;
}

export async function connectInflux(config: InfluxConfig = getConfig().influx): Promise<InfluxConnection> {
  if (!config.url)
    throw new AppError(
      'invalid_input',
      text('graphs.errors.notConfigured.title'),
      text('graphs.errors.notConfigured.detail'),
    );
  const server = await serverOf(config);
  return { config, server, language: chooseQueryLanguage(config, server) };
}

export function sourceView(connection: InfluxConnection): MetricsSourceView {
  return {
    kind: 'influx',
    version: connection.server.version,
    language: connection.language,
    database: connection.language === 'flux' ? (connection.config.bucket ?? '') : connection.config.database,
  };
}

/** Runs specs in one request, in whichever language the connection speaks. */
export async function runQueries(
  connection: InfluxConnection,
  queries: readonly SeriesQuery[],
  window: QueryWindow,
): Promise<RawSeries[]> {
  if (queries.length === 0) return [];
  if (connection.language === 'flux') {
    const csv = await queryFlux(buildFluxQuery(queries, window, connection.config.bucket ?? ''), connection.config);
    return parseFluxCsv(queries, csv);
  }
  const results = await queryInfluxql(
    queries.map((query) => buildInfluxqlStatement(query, window)),
    connection.config,
  );
  return parseInfluxqlResponse(queries, { results });
}

function hasData(raw: readonly RawSeries[]): boolean {
  return raw.some((series) => series.points.some(([, value]) => value !== null));
}

const LABELS_MISSING_NOTICE = text('graphs.notices.labelsMissing');

/**
 * Runs container queries with the compose labels, falling back to container names when Telegraf does
 * not collect labels. The decision is remembered for a few minutes, so a refresh costs one request.
 */
async function runContainerQueries(
  connection: InfluxConnection,
  project: string,
  build: (selector: ContainerSelector) => SeriesQuery[],
  window: QueryWindow,
): Promise<{ raw: RawSeries[]; by: ContainerSelector['by'] }> {
  const key = `${connection.config.url}|${connection.config.database}|${project}`;
  const cached = memo().selector;
  const order: Array<ContainerSelector['by']> =
    cached && cached.key === key && cached.until > Date.now() ? [cached.value] : ['labels', 'name'];
  for (const by of order) {
    const raw = await runQueries(connection, build({ by, project }), window);
    if (hasData(raw)) {
      memo().selector = { key, value: by, until: Date.now() + SELECTOR_TTL_MS };
      return { raw, by };
    }
  }
  return { raw: [], by: 'labels' };
}

function minute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

function noData(connection: InfluxConnection, window: QueryWindow): AppError {
  return new AppError(
    'no_data',
    text('graphs.errors.noData.title'),
    text('graphs.errors.noData.detail', {
      version: connection.server.version,
      language: connection.language,
      name: (connection.language === 'flux' ? connection.config.bucket : connection.config.database) ?? '',
      from: minute(window.fromMs),
      to: minute(window.toMs),
    }),
    text('graphs.errors.noData.fix'),
  );
}

export interface InfluxGraphs {
  source: MetricsSourceView;
  charts: MetricChart[];
  notices: MetricsNotice[];
}

export async function loadInfluxGraphs(
  range: MetricsRangeView,
  options: { project: string; serviceOrder: readonly string[]; withNetwork: boolean },
  config: InfluxConfig = getConfig().influx,
): Promise<InfluxGraphs> {
  const connection = await connectInflux(config);
  const [host, containers] = await Promise.all([
    runQueries(connection, hostQueries(), range),
    runContainerQueries(
      connection,
      options.project,
      (selector) => containerQueries(selector, options.withNetwork),
      range,
    ),
  ]);
  const notices: MetricsNotice[] = [];
  if (!hasData(host) && !hasData(containers.raw)) throw noData(connection, range);
  if (containers.by === 'name') notices.push({ level: 'warning', text: LABELS_MISSING_NOTICE });
  if (!hasData(containers.raw)) {
    notices.push({
      level: 'warning',
      text: text('graphs.notices.noContainerData', { project: options.project }),
    });
  }
  if (!hasData(host))
    notices.push({
      level: 'warning',
      text: text('graphs.notices.noHostData'),
    });
  return {
    source: sourceView(connection),
    charts: [
      ...hostCharts(host),
      ...serviceCharts(containers.raw, options.project, options.serviceOrder, options.withNetwork),
    ],
    notices,
  };
}

const HOUR_MS = 3_600_000;
const TREND_INTERVAL_MS = 60_000;
/** Swap-in is judged over this many of the newest one-minute buckets: one busy minute is not "swapping hard". */
export const SWAP_IN_WINDOW_BUCKETS = 5;

/**
 * The mean swap-in rate over the newest complete buckets that have one, or undefined with fewer than three. The
 * bucket still filling is left out: its mean lags, so its rate reads low.
 */
function recentSwapIn(trend: readonly MetricPoint[], toMs: number): HeadlineFigure | undefined {
  const recent = trend
    .filter((point): point is [number, number] => point[1] !== null && point[0] + TREND_INTERVAL_MS <= toMs)
    .slice(-SWAP_IN_WINDOW_BUCKETS);
  if (recent.length < 3) return undefined;
  const value = recent.reduce((sum, [, rate]) => sum + rate, 0) / recent.length;
  return { value, atMs: recent[recent.length - 1]![0], trend: [...trend] };
}

/** The headline from InfluxDB: the newest values of the last hour, and one-minute trends behind them. */
export async function loadInfluxHeadline(
  options: { project: string; serviceOrder: readonly string[]; nowMs?: number },
  config: InfluxConfig = getConfig().influx,
): Promise<HeadlineView> {
  const connection = await connectInflux(config);
  const toMs = options.nowMs ?? Date.now();
  const window: QueryWindow = { fromMs: toMs - HOUR_MS, toMs, intervalMs: TREND_INTERVAL_MS };
  const build = (selector: ContainerSelector) => [...headlineLastQueries(selector), ...headlineTrendQueries(selector)];
  const { raw, by } = await runContainerQueries(connection, options.project, build, window);
  const all = hasData(raw)
    ? raw
    : await runQueries(connection, build({ by: 'labels', project: options.project }), window);
  if (!hasData(all)) throw noData(connection, window);

  const last = (id: string) => newestPoint(pointsOf(all, id));
  const ramPercent = last('last_mem_used_percent');
  const idle = last('last_cpu_busy');
  const load = last('last_load1');
  const lastByService = perService(all, 'last_svc_mem', options.project, options.serviceOrder);
  const trendByService = perService(all, 'svc_mem', options.project, options.serviceOrder);
  let biggest: HeadlineView['biggest'] = null;
  for (const [service, points] of lastByService) {
    const newest = newestPoint(points);
    if (newest && (!biggest || newest[1] > (biggest.value ?? 0))) {
      biggest = { service, value: newest[1], atMs: newest[0], trend: trendByService.get(service) ?? [] };
    }
  }
  const swapIn = recentSwapIn(pointsOf(all, 'swap_in_rate'), toMs);
  const notices: MetricsNotice[] = by === 'name' ? [{ level: 'warning', text: LABELS_MISSING_NOTICE }] : [];
  return {
    source: sourceView(connection),
    ram: {
      value: ramPercent?.[1] ?? null,
      ...(ramPercent ? { atMs: ramPercent[0] } : {}),
      usedBytes: last('last_mem_used')?.[1] ?? null,
      totalBytes: last('last_mem_total')?.[1] ?? null,
      trend: pointsOf(all, 'mem_used_percent'),
    },
    cpu: { value: idle ? 100 - idle[1] : null, ...(idle ? { atMs: idle[0] } : {}), trend: pointsOf(all, 'cpu_busy') },
    load: { value: load?.[1] ?? null, ...(load ? { atMs: load[0] } : {}), trend: pointsOf(all, 'load1') },
    biggest,
    ...(swapIn ? { swapIn } : {}),
    notices,
  };
}
