import { readFileSync } from 'node:fs';

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SERVICE_ORDER } from '@/lib/docker/grouping';
import { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { loadInfluxGraphs, loadInfluxHeadline, resetInfluxSourceForTesting } from '@/lib/metrics/influx-source';
import { MAX_POINTS_PER_SERIES, bucketStarts, intervalFor } from '@/lib/metrics/range';
import type { MetricChart, MetricsRangeView } from '@/lib/metrics/types';
import { PRESET_SPAN_MS } from '@/lib/validations/metrics';
import {
  createTelegrafModel,
  containerNameOf,
  type Service,
  type TelegrafModel,
} from '@/scripts/testbed/seed/telegraf-model.mjs';
import { readTestbed, type Testbed } from '@/test/support/testbed';

let testbed: Testbed;
let model: TelegrafModel;

function influxConfig(overrides: Partial<Parameters<typeof loadInfluxGraphs>[2]> = {}) {
  return {
    url: testbed.influxUrl,
    database: 'telegraf',
    token: testbed.influxReader,
    language: 'auto' as const,
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** A window ending just after the seed's last point, as the page would ask for it at that moment. */
function windowOf(spanMs: number): MetricsRangeView {
  const toMs = model.anchorMs + 1;
  return { preset: 'custom', fromMs: toMs - spanMs, toMs, intervalMs: intervalFor(spanMs) };
}

/** What mean() gives for each bucket: points in [max(bucket, from), min(bucket + interval, to)). */
function expectedBuckets(range: MetricsRangeView, key: string, field: string, map: (v: number) => number = (v) => v) {
  return bucketStarts(range).map((start): [number, number | null] => {
    const mean = model.expectedMean(
      key,
      field,
      Math.max(start, range.fromMs),
      Math.min(start + range.intervalMs, range.toMs),
    );
    return [start, mean === undefined ? null : map(mean)];
  });
}

function series(charts: MetricChart[], chartId: string, key: string) {
  const found = charts.find((c) => c.id === chartId)?.series.find((s) => s.key === key);
  if (!found) throw new Error(`no series ${key} in ${chartId}`);
  return found;
}

function expectPointsClose(
  actual: Array<[number, number | null]>,
  expected: Array<[number, number | null]>,
  relative = 1e-6,
) {
  expect(actual.map(([t]) => t)).toEqual(expected.map(([t]) => t));
  actual.forEach(([t, value], index) => {
    const want = expected[index]![1];
    if (want === null) {
      expect(value, `bucket ${new Date(t).toISOString()}`).toBeNull();
    } else {
      expect(value, `bucket ${new Date(t).toISOString()}`).not.toBeNull();
      expect(Math.abs(value! - want)).toBeLessThanOrEqual(Math.abs(want) * relative + 1e-9);
    }
  });
}

beforeAll(() => {
  testbed = readTestbed();
  const seed = JSON.parse(readFileSync('/run/mastodash-testbed/influx-seed.json', 'utf8')) as {
    anchorMs: number;
    projects: string[];
  };
  model = createTelegrafModel({ anchorMs: seed.anchorMs, projects: seed.projects });
});

beforeEach(() => resetInfluxSourceForTesting());

describe('graphs from the test bed InfluxDB 1.6 (InfluxQL over /query)', () => {
  it.each(['1h', '6h', '24h', '7d'] as const)('returns the seeded values for every series over %s', async (preset) => {
    const range = windowOf(PRESET_SPAN_MS[preset]);
    const graphs = await loadInfluxGraphs(
      range,
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, withNetwork: true },
      influxConfig(),
    );
    expect(graphs.source).toMatchObject({ kind: 'influx', language: 'influxql', database: 'telegraf' });
    expect(graphs.source.kind === 'influx' && graphs.source.version).toMatch(/^1\.6\./);
    expect(graphs.notices).toEqual([]);

    expectPointsClose(series(graphs.charts, 'host-memory', 'used').points, expectedBuckets(range, 'mem', 'used'));
    expectPointsClose(
      series(graphs.charts, 'host-memory', 'available').points,
      expectedBuckets(range, 'mem', 'available'),
    );
    expectPointsClose(
      series(graphs.charts, 'host-cpu', 'busy').points,
      expectedBuckets(range, 'cpu', 'usage_idle', (idle) => 100 - idle),
    );
    for (const load of ['load1', 'load5', 'load15']) {
      expectPointsClose(series(graphs.charts, 'host-load', load).points, expectedBuckets(range, 'system', load));
    }
    for (const service of ['web', 'streaming', 'sidekiq', 'db', 'redis'] as const satisfies readonly Service[]) {
      const name = containerNameOf('mdtest', service);
      expectPointsClose(
        series(graphs.charts, 'service-memory', service).points,
        expectedBuckets(range, `docker_container_mem:${name}`, 'usage'),
      );
      expectPointsClose(
        series(graphs.charts, 'service-cpu', service).points,
        expectedBuckets(range, `docker_container_cpu:${name}`, 'usage_percent'),
      );
    }
    expect(graphs.charts.find((c) => c.id === 'service-memory')?.series.map((s) => s.key)).toEqual([
      'web',
      'streaming',
      'sidekiq',
      'db',
      'redis',
    ]);
    for (const chart of graphs.charts) {
      for (const s of chart.series)
        expect(s.points.length, `${chart.id}/${s.key}`).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    }
  });

  it('turns cumulative network counters into per-second rates', async () => {
    const range = windowOf(PRESET_SPAN_MS['1h']);
    const graphs = await loadInfluxGraphs(
      range,
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, withNetwork: true },
      influxConfig(),
    );
    const name = containerNameOf('mdtest', 'web');
    const means = (field: string) => expectedBuckets(range, `docker_container_net:${name}`, field);
    const rx = means('rx_bytes');
    const tx = means('tx_bytes');
    const expected = new Map<number, number>();
    for (let i = 1; i < rx.length; i += 1) {
      const [t, r] = rx[i]!;
      const [, r0] = rx[i - 1]!;
      const [, w] = tx[i]!;
      const [, w0] = tx[i - 1]!;
      if (r !== null && r0 !== null && w !== null && w0 !== null)
        expected.set(t, (r - r0 + (w - w0)) / (range.intervalMs / 1000));
    }
    // The first bucket's rate needs the bucket before the window, which InfluxQL reads and the model does not.
    const actual = series(graphs.charts, 'service-network', 'web').points.filter(
      ([t, v]) => v !== null && t > rx[1]![0],
    );
    expect(actual.length).toBeGreaterThan(300);
    for (const [t, value] of actual) {
      const want = expected.get(t);
      expect(want, `bucket ${new Date(t).toISOString()}`).toBeDefined();
      expect(Math.abs(value! - want!)).toBeLessThanOrEqual(want! * 1e-6 + 1e-6);
    }
  });

  it('leaves gaps where the seed has holes: the host outage, the web crash, the stopped sidekiq', async () => {
    const day = windowOf(PRESET_SPAN_MS['24h']);
    const graphs = await loadInfluxGraphs(
      day,
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, withNetwork: false },
      influxConfig(),
    );
    const outage = model.gaps.find((g) => g.name === 'host-outage')!;
    const used = series(graphs.charts, 'host-memory', 'used').points;
    const inside = used.filter(([t]) => t >= outage.fromMs && t + day.intervalMs <= outage.toMs);
    expect(inside.length).toBeGreaterThanOrEqual(3);
    expect(inside.every(([, v]) => v === null)).toBe(true);
    // The first bucket starts before the window and holds only its last seconds: with the seed's 10 s steps
    // it can be empty (the anchor of 10:29:50 left it 9.999 s and no point), so the claim starts inside.
    const beforeOutage = used.filter(([t]) => t >= day.fromMs && t < outage.fromMs - day.intervalMs);
    expect(beforeOutage.length).toBeGreaterThanOrEqual(Math.floor((outage.fromMs - day.fromMs) / day.intervalMs) - 2);
    expect(beforeOutage.filter(([, v]) => v === null)).toEqual([]);

    const hour = windowOf(PRESET_SPAN_MS['1h']);
    const recent = await loadInfluxGraphs(
      hour,
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, withNetwork: false },
      influxConfig(),
    );
    const sidekiq = series(recent.charts, 'service-memory', 'sidekiq');
    const stopped = model.gaps.find((g) => g.name === 'sidekiq-stopped')!;
    expect(sidekiq.lastSeenMs).toBe(stopped.fromMs - 10_000);
    expect(sidekiq.points.filter(([t]) => t >= stopped.fromMs).every(([, v]) => v === null)).toBe(true);
    expect(series(recent.charts, 'service-memory', 'web').lastSeenMs).toBe(model.anchorMs);

    const crash = model.gaps.find((g) => g.name === 'web-crash')!;
    const twoDays = windowOf(48 * 3_600_000);
    const older = await loadInfluxGraphs(
      twoDays,
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, withNetwork: false },
      influxConfig(),
    );
    const web = series(older.charts, 'service-memory', 'web').points;
    const crashed = web.filter(([t]) => t >= crash.fromMs && t + twoDays.intervalMs <= crash.toMs);
    expect(crashed.length).toBeGreaterThanOrEqual(2);
    expect(crashed.every(([, v]) => v === null)).toBe(true);
  });

  it('matches containers by name when Telegraf has no compose labels, and says so', async () => {
    const range = windowOf(PRESET_SPAN_MS['6h']);
    const graphs = await loadInfluxGraphs(
      range,
      { project: 'mdother', serviceOrder: SERVICE_ORDER, withNetwork: false },
      influxConfig(),
    );
    expect(graphs.notices.map((n) => inEnglish(n.text)).join(' ')).toMatch(
      /not collecting the compose labels.*docker_label_include/,
    );
    for (const service of ['web', 'sidekiq', 'db'] as const satisfies readonly Service[]) {
      const name = containerNameOf('mdother', service);
      expectPointsClose(
        series(graphs.charts, 'service-memory', service).points,
        expectedBuckets(range, `docker_container_mem:${name}`, 'usage'),
      );
    }
  });

  it('reads the headline: newest RAM, CPU, load and the biggest memory user', async () => {
    const headline = await loadInfluxHeadline(
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, nowMs: model.anchorMs + 1 },
      influxConfig(),
    );
    const at = model.anchorMs;
    expect(headline.ram.value).toBeCloseTo(Number(model.valueAt('mem', 'used_percent', at)), 9);
    expect(headline.ram.atMs).toBe(at);
    expect(headline.ram.usedBytes).toBe(Number(model.valueAt('mem', 'used', at)));
    expect(headline.ram.totalBytes).toBe(Number(model.valueAt('mem', 'total', at)));
    expect(headline.cpu.value).toBeCloseTo(100 - Number(model.valueAt('cpu', 'usage_idle', at)), 9);
    expect(headline.load.value).toBeCloseTo(Number(model.valueAt('system', 'load1', at)), 9);
    expect(headline.biggest?.service).toBe('web');
    expect(headline.biggest?.value).toBe(
      Number(model.valueAt(`docker_container_mem:${containerNameOf('mdtest', 'web')}`, 'usage', at)),
    );
    expect(headline.ram.trend.length).toBeGreaterThanOrEqual(60);
    expect(headline.ram.trend.length).toBeLessThanOrEqual(61);
  });
});

describe('InfluxDB failures name their cause', () => {
  async function failure(
    config: ReturnType<typeof influxConfig>,
    range = windowOf(PRESET_SPAN_MS['1h']),
  ): Promise<AppError> {
    const error = await loadInfluxGraphs(
      range,
      { project: 'mdtest', serviceOrder: SERVICE_ORDER, withNetwork: false },
      config,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it('a wrong database, as an admin and as a reader (who cannot tell missing from not granted)', async () => {
    const asAdmin = await failure(influxConfig({ database: 'telegraf_typo', token: testbed.influxAdmin }));
    expect(asAdmin.code).toBe('influx_not_found');
    expect(inEnglish(asAdmin.detail)).toContain('no database "telegraf_typo"');
    expect(inEnglish(asAdmin.fix!)).toMatch(/INFLUX_DB/);
    const asReader = await failure(influxConfig({ database: 'telegraf_typo' }));
    expect(asReader.code).toBe('influx_not_found');
    expect(inEnglish(asReader.detail)).toMatch(
      /"telegraf_typo": the database does not exist, or the user .* has no READ grant/,
    );
  });

  it('wrong credentials, and none at all', async () => {
    const wrong = await failure(influxConfig({ token: 'dashboard:not-the-password' }));
    expect(wrong.code).toBe('influx_auth_refused');
    expect(inEnglish(wrong.detail)).toMatch(/HTTP 401.*not accepted/);
    expect(inEnglish(wrong.detail)).not.toContain('not-the-password');
    const none = await failure(influxConfig({ token: undefined }));
    expect(none.code).toBe('influx_auth_refused');
    expect(inEnglish(none.detail)).toMatch(/INFLUX_TOKEN is not set/);
  });

  it('an empty range', async () => {
    const toMs = model.startMs - 5 * 86_400_000;
    const error = await failure(influxConfig(), {
      preset: 'custom',
      fromMs: toMs - 86_400_000,
      toMs,
      intervalMs: intervalFor(86_400_000),
    });
    expect(error.code).toBe('no_data');
    expect(inEnglish(error.title)).toBe('No Telegraf data in this range');
    expect(renderText(translatorFor('de'), error.title)).toBe('Keine Telegraf-Daten in diesem Zeitraum');
  });

  it('an InfluxDB that is not there', async () => {
    const error = await failure(influxConfig({ url: 'http://127.0.0.1:58099' }));
    expect(error.code).toBe('influx_unreachable');
    expect(inEnglish(error.detail)).toMatch(/refused the connection/);
  });

  it('Flux forced on a server without it', async () => {
    const error = await failure(influxConfig({ language: 'flux', bucket: 'telegraf/autogen' }));
    expect(error.code).toBe('invalid_input');
    expect(inEnglish(error.title)).toMatch(/1\.6\.7.* does not speak Flux/);
  });
});
