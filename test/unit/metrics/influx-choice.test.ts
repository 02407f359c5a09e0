import { describe, expect, it } from 'vitest';

import { influxErrorFromMessage, parseInfluxVersion } from '@/lib/influx/client';
import { perService, sumByTime } from '@/lib/metrics/charts';
import { chooseQueryLanguage } from '@/lib/metrics/influx-source';
import { stoppedNotices } from '@/lib/panels/metrics';
import type { ContainerView } from '@/lib/docker/types';
import type { RawSeries } from '@/lib/metrics/query-spec';
import type { MetricChart } from '@/lib/metrics/types';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText, text } from '@/lib/i18n/text';

const config = {
  url: 'http://influx:8086',
  database: 'telegraf',
  token: 'u:p',
  language: 'auto' as const,
  timeoutMs: 1000,
};

describe('the InfluxDB version and the query language', () => {
  it.each([
    ['1.6.7~rc0', 1, 6],
    ['1.8.10', 1, 8],
    ['v2.7.11', 2, 7],
    ['3.2.0', 3, 2],
    ['', 0, 0],
  ])('reads X-Influxdb-Version %s', (header, major, minor) => {
    expect(parseInfluxVersion(header)).toMatchObject({ major, minor });
  });

  it.each([
    ['auto', undefined, '1.6.7', 'influxql'],
    ['auto', 'telegraf/autogen', '1.6.7', 'influxql'],
    ['auto', 'telegraf/autogen', '1.8.10', 'flux'],
    ['auto', undefined, 'v2.7.11', 'influxql'],
    ['auto', 'telegraf', 'v2.7.11', 'flux'],
    ['auto', 'telegraf', '3.2.0', 'influxql'],
    ['influxql', 'telegraf', 'v2.7.11', 'influxql'],
    ['flux', 'telegraf', 'v2.7.11', 'flux'],
  ] as const)('language %s with bucket %s on %s speaks %s', (language, bucket, version, expected) => {
    expect(chooseQueryLanguage({ language, bucket }, parseInfluxVersion(version))).toBe(expected);
  });

  it('refuses Flux where the server has none, saying what to set', () => {
    expect(() => chooseQueryLanguage({ language: 'flux', bucket: 'b' }, parseInfluxVersion('3.2.0'))).toThrow(
      /does not speak Flux/,
    );
    expect(() => chooseQueryLanguage({ language: 'flux', bucket: 'b' }, parseInfluxVersion('1.7.11'))).toThrow(
      /does not speak Flux/,
    );
  });
});

describe('InfluxDB error messages', () => {
  it.each([
    ['database not found: telegraf', 'influx_not_found', /database "telegraf"/],
    [
      "error authorizing query: dashboard not authorized to execute statement 'SELECT 1', requires READ on telegraf",
      'influx_not_found',
      /no READ grant/,
    ],
    ['failed to initialize execute state: could not find bucket "telegraf"', 'influx_not_found', /bucket "telegraf"/],
    ['bucket "metrics" not found', 'influx_not_found', /bucket "metrics"/],
    ['authorization failed', 'influx_auth_refused', /not accepted/],
    ['error parsing query: found EOF', 'upstream_failed', /found EOF/],
  ])('%s', (message, code, detail) => {
    const error = influxErrorFromMessage(config, message);
    expect(error.code).toBe(code);
    expect(inEnglish(error.detail)).toMatch(detail);
  });

  it('says in German what is missing', () => {
    const de = translatorFor('de');
    const error = influxErrorFromMessage(config, 'bucket "metrics" not found');
    expect(renderText(de, error.title)).toBe('InfluxDB hat keinen Bucket „metrics“');
    expect(renderText(de, error.fix!)).toMatch(/^Setze INFLUX_BUCKET/);
  });

  it('never puts credentials from the URL into a message', () => {
    const error = influxErrorFromMessage({ ...config, url: 'http://user:secret@influx:8086' }, 'database not found: x');
    expect(inEnglish(error.detail)).not.toContain('secret');
  });
});

describe('chart assembly', () => {
  it('sums bucket-wise, null only where every input is null', () => {
    expect(
      sumByTime([
        [
          [1, 1],
          [2, null],
          [3, null],
        ],
        [
          [1, 2],
          [2, 5],
          [3, null],
        ],
      ]),
    ).toEqual([
      [1, 3],
      [2, 5],
      [3, null],
    ]);
  });

  it('groups containers into services in Mastodon order, scaled sidekiqs summed', () => {
    const raw: RawSeries[] = [
      { queryId: 'm', tags: { container_name: 'p-sidekiq-2' }, points: [[1, 10]] as Array<[number, number | null]> },
      { queryId: 'm', tags: { container_name: 'p-web-1' }, points: [[1, 5]] as Array<[number, number | null]> },
      { queryId: 'm', tags: { container_name: 'p_sidekiq_1' }, points: [[1, 7]] as Array<[number, number | null]> },
      {
        queryId: 'm',
        tags: { container_name: 'x', 'com.docker.compose.service': 'zeta' },
        points: [[1, 1]] as Array<[number, number | null]>,
      },
      { queryId: 'other', tags: { container_name: 'p-db-1' }, points: [[1, 1]] as Array<[number, number | null]> },
    ];
    const byService = perService(raw, 'm', 'p', ['web', 'streaming', 'sidekiq', 'db']);
    expect([...byService.keys()]).toEqual(['web', 'sidekiq', 'zeta']);
    expect(byService.get('sidekiq')).toEqual([[1, 17]]);
  });

  it("says why a service line ends, with Docker's state, instead of showing a flat zero", () => {
    const chart: MetricChart = {
      id: 'service-memory',
      title: text('graphs.charts.serviceMemory'),
      unit: 'bytes',
      notes: [],
      series: [
        { key: 'web', label: 'web', points: [], lastSeenMs: 3_600_000 },
        { key: 'sidekiq', label: 'sidekiq', points: [], lastSeenMs: 3_000_000 },
      ],
    };
    const container = (service: string, state: ContainerView['state']) =>
      ({ service, state, name: `p-${service}-1` }) as ContainerView;
    const notices = stoppedNotices(
      [chart],
      [container('web', 'running'), container('sidekiq', 'exited'), container('redis', 'running')],
      3_600_000,
      10_000,
    );
    expect(notices.map((n) => renderText(translatorFor('de'), n.text))).toEqual([
      'sidekiq: keine Daten in den letzten 10 Min. (Docker: exited). Ein gestoppter Container verschwindet aus den' +
        ' Daten von Telegraf, daher enden seine Linien, statt auf null zu fallen.',
      'redis: keine Daten in diesem Zeitraum. Telegraf erfasst nur laufende Container.',
    ]);
    expect(notices.map((n) => inEnglish(n.text))).toEqual([
      "sidekiq: no data for the last 10 min (Docker: exited). A stopped container vanishes from Telegraf's data, so" +
        ' its lines end instead of dropping to zero.',
      'redis: no data in this range. Telegraf records only running containers.',
    ]);
  });
});
