import 'server-only';

import { text, type Text } from '@/lib/i18n/text';
import { getConfig, type Config } from '../../config';
import { dockerUnavailable } from '../../docker/errors';
import { AppError, toErrorView } from '../../errors';
import { newestPoint, pointsOf } from '../../metrics/charts';
import { connectInflux, runQueries, sourceView } from '../../metrics/influx-source';
import type { RawSeries, SeriesQuery } from '../../metrics/query-spec';
import { dockerDiskUsage, type DockerDiskUsage } from './docker-disk-usage';

/** How full the host's disk is: Telegraf's `disk` reading from InfluxDB, else what Docker holds. */

/** Telegraf writes every 10 s by default; a reading older than this is not "the disk now". */
export const DISK_WINDOW_MS = 15 * 60_000;
export const DISK_PATH = '/';

export function diskQueries(): SeriesQuery[] {
  const where = [{ tag: 'path', equals: DISK_PATH }];
  return (['used', 'total', 'free', 'used_percent'] as const).map((field) => ({
    id: `disk_${field}`,
    measurement: 'disk',
    field,
    transform: 'last',
    where,
  }));
}

export interface TelegrafDiskFigures {
  usedBytes: number;
  totalBytes: number;
  freeBytes?: number;
  /** Telegraf's used_percent: used / (used + free), so blocks reserved for root do not count as free. */
  usedPercent: number;
  /** The time of the oldest of the figures, ms. */
  atMs: number;
}

/** The newest used/total/used_percent; undefined when Telegraf wrote none for / in the window. */
export function telegrafDiskFrom(raw: readonly RawSeries[]): TelegrafDiskFigures | undefined {
  const used = newestPoint(pointsOf(raw, 'disk_used'));
  const total = newestPoint(pointsOf(raw, 'disk_total'));
  if (!used || !total) return undefined;
  const free = newestPoint(pointsOf(raw, 'disk_free'));
  const percent = newestPoint(pointsOf(raw, 'disk_used_percent'));
  const usedPercent = percent ? percent[1] : free ? (100 * used[1]) / (used[1] + free[1]) : (100 * used[1]) / total[1];
  return {
    usedBytes: used[1],
    totalBytes: total[1],
    ...(free ? { freeBytes: free[1] } : {}),
    usedPercent,
    atMs: Math.min(used[0], total[0]),
  };
}

export type HostDisk =
  | ({
      source: 'telegraf';
      path: string;
      influx: { version: string; language: 'influxql' | 'flux'; database: string };
    } & TelegrafDiskFigures)
  | {
      source: 'docker';
      usage: DockerDiskUsage;
      measuredAtMs: number;
      /** Why Telegraf's reading is not shown, when InfluxDB is configured. */
      influxNote?: Text;
    };

type InfluxConfig = Config['influx'];

/** Telegraf's newest `disk` reading for / within DISK_WINDOW_MS before nowMs; undefined when there is none. */
export async function readTelegrafDisk(
  nowMs: number,
  config: InfluxConfig = getConfig().influx,
): Promise<HostDisk | undefined> {
  const connection = await connectInflux(config);
  const raw = await runQueries(connection, diskQueries(), {
    fromMs: nowMs - DISK_WINDOW_MS,
    toMs: nowMs + 1,
    intervalMs: 60_000,
  });
  const figures = telegrafDiskFrom(raw);
  if (!figures) return undefined;
  const source = sourceView(connection);
  if (source.kind !== 'influx') return undefined;
  return {
    source: 'telegraf',
    path: DISK_PATH,
    influx: { version: source.version, language: source.language, database: source.database },
    ...figures,
  };
}

/**
 * The host's disk from Telegraf when InfluxDB is configured and has a reading for / in the DISK_WINDOW_MS
 * before `nowMs` (a parameter so that tests can ask about the seeded past); otherwise
 * Docker's own usage (images, containers, volumes, build cache), which says what Docker holds, not how
 * full the disk is. The view says which source it is, and why Telegraf's is missing.
 */
export async function readHostDisk(options: { nowMs?: number; influx?: InfluxConfig } = {}): Promise<HostDisk> {
  const nowMs = options.nowMs ?? Date.now();
  const influx = options.influx ?? getConfig().influx;
  let influxNote: Text | undefined;
  if (influx.url) {
    try {
      const disk = await readTelegrafDisk(nowMs, influx);
      if (disk) return disk;
      influxNote = text('vitals.disk.noReading', { path: DISK_PATH, minutes: DISK_WINDOW_MS / 60_000 });
    } catch (error) {
      const view = toErrorView(error);
      influxNote = text('vitals.errorLine', { title: view.title, detail: view.detail });
    }
  }
  try {
    const { usage, measuredAtMs } = await dockerDiskUsage();
    return { source: 'docker', usage, measuredAtMs, ...(influxNote ? { influxNote } : {}) };
  } catch (error) {
    const failure = error instanceof AppError ? error : dockerUnavailable(error, getConfig().docker);
    if (!influxNote) throw failure;
    throw new AppError(
      failure.code,
      failure.title,
      text('vitals.disk.influxAlsoFailed', { detail: failure.detail, note: influxNote }),
      failure.fix,
    );
  }
}
