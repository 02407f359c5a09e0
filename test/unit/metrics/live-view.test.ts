import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { CPU_PER_SERVICE_NOTE } from '@/lib/metrics/charts';
import type { LiveContainerSample, LiveSample } from '@/lib/metrics/live-types';
import { liveHeadline, liveMetricsView } from '@/lib/metrics/live-view';
import type { MetricChart, MetricsView } from '@/lib/metrics/types';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const T0 = 1_750_000_000_000;
const WINDOW = 15 * 60_000;

function container(service: string, number: number, values: Partial<LiveContainerSample> = {}): LiveContainerSample {
  return {
    id: `${service}-${number}-id`,
    name: `mastodon-${service}-${number}`,
    service,
    memBytes: 100 * MIB,
    memLimitBytes: 8 * GIB,
    cpuPercent: null,
    rxBytesPerSecond: null,
    txBytesPerSecond: null,
    ...values,
  };
}

function sample(atMs: number, containers: LiveContainerSample[], host: Partial<LiveSample['host']> = {}): LiveSample {
  const memTotalBytes = host.memTotalBytes ?? 8 * GIB;
  const memAvailableBytes = host.memAvailableBytes ?? 6 * GIB;
  return {
    atMs,
    host: {
      memTotalBytes,
      memAvailableBytes,
      memUsedBytes: memTotalBytes - memAvailableBytes,
      cpuBusyPercent: 12.5,
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
      ...host,
    },
    containers,
  };
}

function chartOf(view: MetricsView, id: MetricChart['id']): MetricChart {
  const found = view.charts.find((c) => c.id === id);
  if (!found) throw new Error(`no chart ${id}`);
  return found;
}

function pointsOf(chart: MetricChart, key: string): Array<[number, number | null]> {
  const series = chart.series.find((s) => s.key === key);
  if (!series) throw new Error(`no series ${key} in ${chart.id}`);
  return series.points;
}

const options = { intervalMs: 10_000, windowMs: WINDOW, reason: 'not_configured' as const, nowMs: T0 + 30_000 };

// Three rounds: sidekiq runs two containers; web stops before the third round.
const samples: LiveSample[] = [
  sample(
    T0,
    [
      container('web', 1, { memBytes: 300 * MIB }),
      container('sidekiq', 1, { memBytes: 200 * MIB }),
      container('sidekiq', 2, { memBytes: 250 * MIB }),
    ],
    {
      cpuBusyPercent: null,
    },
  ),
  sample(T0 + 10_000, [
    container('web', 1, { memBytes: 310 * MIB, cpuPercent: 20, rxBytesPerSecond: 1000, txBytesPerSecond: 500 }),
    container('sidekiq', 1, { memBytes: 210 * MIB, cpuPercent: 30, rxBytesPerSecond: 100, txBytesPerSecond: 50 }),
    container('sidekiq', 2, { memBytes: 260 * MIB, cpuPercent: 45.5, rxBytesPerSecond: 200, txBytesPerSecond: null }),
  ]),
  sample(
    T0 + 20_000,
    [
      container('sidekiq', 1, { memBytes: 220 * MIB, cpuPercent: 10 }),
      container('sidekiq', 2, { memBytes: 270 * MIB, cpuPercent: 5 }),
    ],
    {
      memAvailableBytes: 2 * GIB,
    },
  ),
];

describe('liveMetricsView', () => {
  it('names charts and host series exactly as the InfluxDB path does, one point per sample', () => {
    const view = liveMetricsView(samples, options);
    expect(view.charts.map((c) => c.id)).toEqual([
      'host-memory',
      'host-cpu',
      'host-load',
      'service-memory',
      'service-cpu',
      'service-network',
    ]);
    const memory = chartOf(view, 'host-memory');
    expect(memory.unit).toBe('bytes');
    expect(memory.series.map((s) => s.key)).toEqual(['used', 'available']);
    expect(pointsOf(memory, 'used')).toEqual([
      [T0, 2 * GIB],
      [T0 + 10_000, 2 * GIB],
      [T0 + 20_000, 6 * GIB],
    ]);
    expect(pointsOf(memory, 'available').map(([, v]) => v)).toEqual([6 * GIB, 6 * GIB, 2 * GIB]);
    // The first sample has no CPU delta yet: a gap, not a zero.
    expect(pointsOf(chartOf(view, 'host-cpu'), 'busy').map(([, v]) => v)).toEqual([null, 12.5, 12.5]);
    expect(chartOf(view, 'host-load').series.map((s) => [s.key, inEnglish(s.label)])).toEqual([
      ['load1', '1 min'],
      ['load5', '5 min'],
      ['load15', '15 min'],
    ]);
  });

  it('sums a service over its containers and leaves a gap where a service stopped', () => {
    const view = liveMetricsView(samples, { ...options, serviceOrder: ['web', 'sidekiq'] });
    const memory = chartOf(view, 'service-memory');
    expect(memory.series.map((s) => [s.key, inEnglish(s.label)])).toEqual([
      ['web', 'web'],
      ['sidekiq', 'sidekiq'],
    ]);
    expect(pointsOf(memory, 'sidekiq')).toEqual([
      [T0, 450 * MIB],
      [T0 + 10_000, 470 * MIB],
      [T0 + 20_000, 490 * MIB],
    ]);
    expect(pointsOf(memory, 'web')).toEqual([
      [T0, 300 * MIB],
      [T0 + 10_000, 310 * MIB],
      [T0 + 20_000, null],
    ]);
    expect(memory.series.find((s) => s.key === 'web')?.lastSeenMs).toBe(T0 + 10_000);
    expect(memory.series.find((s) => s.key === 'sidekiq')?.lastSeenMs).toBe(T0 + 20_000);

    const cpu = chartOf(view, 'service-cpu');
    expect(cpu.notes).toContain(CPU_PER_SERVICE_NOTE);
    expect(cpu.unit).toBe('cpu_percent');
    expect(pointsOf(cpu, 'sidekiq').map(([, v]) => v)).toEqual([null, 75.5, 15]);
    expect(pointsOf(cpu, 'web').map(([, v]) => v)).toEqual([null, 20, null]);

    // rx + tx, summed over containers; a missing tx counts as nothing, both missing as a gap.
    const network = chartOf(view, 'service-network');
    expect(pointsOf(network, 'web').map(([, v]) => v)).toEqual([null, 1500, null]);
    expect(pointsOf(network, 'sidekiq').map(([, v]) => v)).toEqual([null, 350, null]);
  });

  it('orders services not in the given order alphabetically after the rest', () => {
    const view = liveMetricsView(
      [sample(T0, [container('web', 1), container('db', 1), container('streaming', 1), container('redis', 1)])],
      {
        ...options,
        serviceOrder: ['web', 'streaming'],
      },
    );
    expect(chartOf(view, 'service-memory').series.map((s) => s.key)).toEqual(['web', 'streaming', 'db', 'redis']);
  });

  it('leaves out of the network chart a service that never had a network', () => {
    const view = liveMetricsView(
      [sample(T0, [container('db', 1)]), sample(T0 + 10_000, [container('db', 1, { cpuPercent: 1 })])],
      options,
    );
    expect(chartOf(view, 'service-network').series).toEqual([]);
    expect(chartOf(view, 'service-memory').series.map((s) => s.key)).toEqual(['db']);
  });

  it('describes itself as live: source, range, refresh and notice', () => {
    const view = liveMetricsView(samples, { ...options, reason: 'influx_failed' });
    expect(view.source).toEqual({ kind: 'live', reason: 'influx_failed', windowMs: WINDOW });
    // The axis starts one interval before the first sample, or two minutes back, whichever is earlier.
    expect(view.range).toEqual({
      preset: 'live',
      fromMs: Math.min(T0 - 10_000, options.nowMs - 120_000),
      toMs: options.nowMs,
      intervalMs: 10_000,
    });
    const full = liveMetricsView([sample(options.nowMs - WINDOW + 1, []), ...samples], options);
    expect(full.range.fromMs).toBe(options.nowMs - WINDOW);
    expect(view.refreshMs).toBe(10_000);
    expect(view.markers).toEqual([]);
    expect(view.notices).toHaveLength(1);
    expect(view.notices[0]).toMatchObject({ level: 'info' });
    expect(inEnglish(view.notices[0]!.text)).toMatch(
      /^Live numbers from Docker, measured every 10 s, because InfluxDB did not answer\./,
    );
    expect(inEnglish(view.notices[0]!.text)).toContain('not stored');
    expect(inEnglish(view.notices[0]!.text)).toContain('only while this page is open, for the last 15 minutes');
    expect(renderText(translatorFor('de'), view.notices[0]!.text)).toBe(
      'Live-Werte von Docker, gemessen alle 10 s, weil InfluxDB nicht geantwortet hat. Sie werden nicht gespeichert;' +
        ' sie werden nur gesammelt, solange diese Seite offen ist, höchstens für die letzten 15 Minuten.',
    );
  });

  it('drops samples older than the window', () => {
    const old = sample(options.nowMs - WINDOW - 1, [container('web', 1)]);
    const view = liveMetricsView([old, ...samples], options);
    expect(pointsOf(chartOf(view, 'host-memory'), 'used')).toHaveLength(3);
    expect(pointsOf(chartOf(view, 'service-memory'), 'web')[0]).toEqual([T0, 300 * MIB]);
  });

  it('warns when Docker failed in the newest round, and still draws the host', () => {
    const failed: LiveSample = {
      ...sample(T0 + 30_000, []),
      docker: {
        code: 'docker_daemon_down',
        title: 'Docker is down: nothing answers',
        detail: '/var/run/docker.sock refused the connection.',
      },
    };
    const view = liveMetricsView([...samples, failed], { ...options, nowMs: T0 + 30_000 });
    expect(view.notices[1]).toMatchObject({ level: 'warning' });
    expect(inEnglish(view.notices[1]!.text)).toContain('Docker is down: nothing answers');
    expect(pointsOf(chartOf(view, 'host-memory'), 'used')).toHaveLength(4);
    expect(pointsOf(chartOf(view, 'service-memory'), 'sidekiq')[3]).toEqual([T0 + 30_000, null]);
  });

  it('gives empty charts and a waiting notice before the first sample', () => {
    const view = liveMetricsView([], options);
    expect(chartOf(view, 'host-memory').series.every((s) => s.points.length === 0 && s.lastSeenMs === undefined)).toBe(
      true,
    );
    expect(chartOf(view, 'service-memory').series).toEqual([]);
    expect(view.notices.map((n) => inEnglish(n.text))).toContain('Waiting for the first measurement.');
  });
});

describe('liveHeadline', () => {
  it('reports used RAM as a percent of total, with the bytes and a trend', () => {
    const headline = liveHeadline(samples, 'not_configured', WINDOW);
    expect(headline.source).toEqual({ kind: 'live', reason: 'not_configured', windowMs: WINDOW });
    expect(headline.ram).toEqual({
      value: 75,
      usedBytes: 6 * GIB,
      totalBytes: 8 * GIB,
      atMs: T0 + 20_000,
      trend: [
        [T0, 25],
        [T0 + 10_000, 25],
        [T0 + 20_000, 75],
      ],
    });
    expect(headline.cpu).toMatchObject({ value: 12.5, atMs: T0 + 20_000 });
    expect(headline.cpu.trend.map(([, v]) => v)).toEqual([null, 12.5, 12.5]);
    expect(headline.load).toMatchObject({ value: 0.5, atMs: T0 + 20_000 });
  });

  it('names the service using the most memory in the newest sample, summed over its containers', () => {
    // web alone (400 MiB) beats each sidekiq container but not their sum (500 MiB).
    const newest = sample(T0 + 30_000, [
      container('web', 1, { memBytes: 400 * MIB }),
      container('sidekiq', 1, { memBytes: 240 * MIB }),
      container('sidekiq', 2, { memBytes: 260 * MIB }),
    ]);
    const headline = liveHeadline([...samples, newest], 'not_configured', WINDOW);
    expect(headline.biggest).toMatchObject({ service: 'sidekiq', value: 500 * MIB, atMs: T0 + 30_000 });
    expect(headline.biggest?.trend).toEqual([
      [T0, 450 * MIB],
      [T0 + 10_000, 470 * MIB],
      [T0 + 20_000, 490 * MIB],
      [T0 + 30_000, 500 * MIB],
    ]);

    const webWins = sample(T0 + 40_000, [
      container('web', 1, { memBytes: 600 * MIB }),
      container('sidekiq', 1, { memBytes: 240 * MIB }),
    ]);
    expect(liveHeadline([...samples, webWins], 'not_configured', WINDOW).biggest).toMatchObject({
      service: 'web',
      value: 600 * MIB,
    });
  });

  it('keeps only the last hour in its trends', () => {
    const early = sample(T0 - 2 * 3_600_000, [container('web', 1)]);
    const headline = liveHeadline([early, ...samples], 'not_configured', WINDOW);
    expect(headline.ram.trend).toHaveLength(3);
    expect(headline.biggest?.trend).toHaveLength(3);
  });

  it('has no values, no biggest service and a notice when nothing was measured yet', () => {
    const headline = liveHeadline([], 'influx_failed', WINDOW);
    expect(headline.ram).toEqual({ value: null, usedBytes: null, totalBytes: null, trend: [] });
    expect(headline.cpu).toEqual({ value: null, trend: [] });
    expect(headline.biggest).toBeNull();
    expect(inEnglish(headline.notices[0]!.text)).toContain('because InfluxDB did not answer');
  });

  it('has no biggest service when Docker failed in the newest sample', () => {
    const failed: LiveSample = {
      ...sample(T0 + 30_000, []),
      docker: { code: 'docker_socket_missing', title: 'Docker is down', detail: 'x' },
    };
    const headline = liveHeadline([...samples, failed], 'not_configured', WINDOW);
    expect(headline.biggest).toBeNull();
    expect(headline.ram.value).toBe(25);
    expect(headline.notices.some((n) => n.level === 'warning')).toBe(true);
  });
});
