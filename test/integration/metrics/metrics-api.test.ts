import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { inEnglish } from '@/lib/i18n/english';
import type { HeadlineView, MetricsView } from '@/lib/metrics/types';
import type { PanelResult } from '@/lib/panels/panel';

import { plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';

const testbed = readTestbed();
const PASSWORD_ENV = { DASHBOARD_PASSWORD: 'metrics-password-long-enough' };
const servers: RunningServer[] = [];

async function start(env: Record<string, string>): Promise<{ server: RunningServer; cookie: string }> {
  const server = await startServer({ ...PASSWORD_ENV, ...env });
  servers.push(server);
  return { server, cookie: plantSession(server.dataDir).cookie };
}

async function getJson<T>(
  server: RunningServer,
  path: string,
  cookie: string,
): Promise<{ status: number; body: T; text: string }> {
  const response = await rawRequest(server.port, { path, headers: { cookie } });
  return { status: response.status, body: JSON.parse(response.body) as T, text: response.body };
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe('/api/metrics and /graphs with InfluxDB', () => {
  let server: RunningServer;
  let cookie: string;
  const [, readerPassword] = testbed.influxReader.split(':');

  beforeAll(async () => {
    ({ server, cookie } = await start({ INFLUX_URL: testbed.influxUrl, INFLUX_TOKEN: testbed.influxReader }));
  });

  it('answers a preset range from InfluxDB within the point bound, without the token', async () => {
    const { status, body, text } = await getJson<PanelResult<MetricsView>>(server, '/api/metrics?range=24h', cookie);
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    expect(body.data.source).toMatchObject({ kind: 'influx', language: 'influxql', database: 'telegraf' });
    expect(body.data.range).toMatchObject({ preset: '24h', intervalMs: 300_000 });
    expect(body.data.charts.map((c) => c.id)).toEqual([
      'host-memory',
      'host-cpu',
      'host-load',
      'service-memory',
      'service-cpu',
      'service-network',
    ]);
    for (const chart of body.data.charts)
      for (const s of chart.series) expect(s.points.length).toBeLessThanOrEqual(600);
    expect(text).not.toContain(readerPassword);
  });

  it('refuses a bad range with a clear message and a 400', async () => {
    const { status, body } = await getJson<{ ok: false; error: { code: string; detail: string } }>(
      server,
      '/api/metrics?range=custom&from=2026-11-20T12:00&to=2026-11-20T11:00',
      cookie,
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_input' });
    expect(body.error.detail).toBe('The end must be after the start');
  });

  it('wants a session', async () => {
    const response = await rawRequest(server.port, { path: '/api/metrics?range=1h' });
    expect(response.status).toBe(401);
    const headline = await rawRequest(server.port, { path: '/api/panels/headline' });
    expect(headline.status).toBe(401);
  });

  it('renders the graphs page and the home headline from InfluxDB, naming the version', async () => {
    const graphs = await rawRequest(server.port, { path: '/graphs?range=6h', headers: { cookie } });
    expect(graphs.status).toBe(200);
    expect(graphs.body).toContain('InfluxDB 1.6.7');
    expect(graphs.body).toContain('Memory per service');
    expect(graphs.body).not.toContain(readerPassword);
    const invalid = await rawRequest(server.port, { path: '/graphs?range=2h', headers: { cookie } });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toContain('Choose 1h, 6h, 24h, 7d, 30d or custom');
    const { body } = await getJson<PanelResult<HeadlineView>>(server, '/api/panels/headline', cookie);
    expect(body.ok && body.data.source.kind).toBe('influx');
    expect(body.ok && body.data.ram.value).toBeGreaterThan(5);
  });
});

describe('without InfluxDB, the live numbers stand in', () => {
  it('INFLUX_URL unset: the live sampler is the source, and the page says it is not stored', async () => {
    const { server, cookie } = await start({});
    const { body } = await getJson<PanelResult<MetricsView>>(server, '/api/metrics?range=1h', cookie);
    expect(body.ok && body.data.source).toMatchObject({ kind: 'live', reason: 'not_configured' });
    const graphs = await rawRequest(server.port, { path: '/graphs', headers: { cookie } });
    expect(graphs.body).toContain('Live numbers from Docker, not stored');
  });

  it('InfluxDB down: live numbers, with the reason InfluxDB is not used', async () => {
    const { server, cookie } = await start({
      INFLUX_URL: 'http://127.0.0.1:58099',
      INFLUX_TOKEN: testbed.influxReader,
    });
    const { body } = await getJson<PanelResult<MetricsView>>(server, '/api/metrics?range=1h', cookie);
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    expect(body.data.source).toMatchObject({ kind: 'live', reason: 'influx_failed' });
    expect(body.data.influxError).toMatchObject({ code: 'influx_unreachable' });
    expect(inEnglish(body.data.influxError!.title)).toBe('InfluxDB is unreachable');
    const headline = await getJson<PanelResult<HeadlineView>>(server, '/api/panels/headline', cookie);
    expect(headline.body.ok && headline.body.data.influxError?.code).toBe('influx_unreachable');
  });
});
