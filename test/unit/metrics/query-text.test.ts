import { describe, expect, it } from 'vitest';

import { buildInfluxqlStatement, parseInfluxqlResponse } from '@/lib/metrics/influxql';
import {
  composeNameRegexSource,
  fluxColumn,
  fluxString,
  influxqlIdentifier,
  influxqlRegex,
  influxqlString,
} from '@/lib/metrics/quote';
import type { SeriesQuery } from '@/lib/metrics/query-spec';

const window = { fromMs: 1_700_000_000_000, toMs: 1_700_003_600_000, intervalMs: 10_000 };

describe('escaping', () => {
  it('double-quotes identifiers and escapes quotes and backslashes inside them', () => {
    expect(influxqlIdentifier('com.docker.compose.service')).toBe('"com.docker.compose.service"');
    expect(influxqlIdentifier('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(influxqlIdentifier('x\ny')).toBe('"x\\ny"');
  });

  it('single-quotes literals so that a quote cannot end them', () => {
    expect(influxqlString('mastodon')).toBe("'mastodon'");
    expect(influxqlString("x' OR 1=1 --")).toBe("'x\\' OR 1=1 --'");
    expect(influxqlString('back\\slash')).toBe("'back\\\\slash'");
  });

  it('matches compose names literally, either separator', () => {
    const source = composeNameRegexSource('my.proj-1');
    expect(source).toBe('^my\\.proj\\-1[-_][^-_]+[-_][0-9]+$');
    const regex = new RegExp(source);
    expect(regex.test('my.proj-1-web-1')).toBe(true);
    expect(regex.test('my.proj-1_web_1')).toBe(true);
    expect(regex.test('myXproj-1-web-1')).toBe(false);
    expect(influxqlRegex(composeNameRegexSource('a/b'))).toBe('/^a\\/b[-_][^-_]+[-_][0-9]+$/');
  });

  it('does not match a project whose name only starts with this one (mdtest and mdtest-staging)', () => {
    const mdtest = new RegExp(composeNameRegexSource('mdtest'));
    for (const name of ['mdtest-web-1', 'mdtest_sidekiq_1', 'mdtest-streaming-12'])
      expect(mdtest.test(name), name).toBe(true);
    for (const name of ['mdtest-staging-web-1', 'mdtest_staging_web_1', 'mdtest-staging-sidekiq-2', 'mdtest-web-1-old'])
      expect(mdtest.test(name), name).toBe(false);
    const staging = new RegExp(composeNameRegexSource('mdtest-staging'));
    expect(staging.test('mdtest-staging-web-1')).toBe(true);
    expect(staging.test('mdtest-web-1')).toBe(false);
  });

  it('escapes Flux strings including interpolation', () => {
    expect(fluxString('a"b')).toBe('"a\\"b"');
    expect(fluxString('${secret}')).toBe('"\\${secret}"');
    expect(fluxColumn('com.docker.compose.project')).toBe('r["com.docker.compose.project"]');
  });
});

describe('InfluxQL statements', () => {
  it('builds CPU busy for the host with cpu-total and a null fill', () => {
    const query: SeriesQuery = {
      id: 'cpu_busy',
      measurement: 'cpu',
      field: 'usage_idle',
      transform: 'busy',
      where: [{ tag: 'cpu', equals: 'cpu-total' }],
    };
    expect(buildInfluxqlStatement(query, window)).toBe(
      `SELECT 100 - mean("usage_idle") AS "value" FROM "cpu" WHERE "cpu" = 'cpu-total' AND time >= 1700000000000ms` +
        ` AND time < 1700003600000ms GROUP BY time(10s) fill(null)`,
    );
  });

  it('selects the project by its compose label and groups by container and service', () => {
    const query: SeriesQuery = {
      id: 'svc_mem',
      measurement: 'docker_container_mem',
      field: 'usage',
      transform: 'mean',
      where: [],
      containers: { by: 'labels', project: "evil' OR '1'='1" },
    };
    expect(buildInfluxqlStatement(query, { ...window, intervalMs: 300_000 })).toBe(
      `SELECT mean("usage") AS "value" FROM "docker_container_mem" WHERE "com.docker.compose.project" = 'evil\\' OR` +
        ` \\'1\\'=\\'1' AND time >= 1700000000000ms AND time < 1700003600000ms GROUP BY time(300s), "container_name",` +
        ` "com.docker.compose.service" fill(null)`,
    );
  });

  it('falls back to container names, rates from counters, and last() without buckets', () => {
    const rate: SeriesQuery = {
      id: 'svc_rx',
      measurement: 'docker_container_net',
      field: 'rx_bytes',
      transform: 'rate',
      where: [{ tag: 'network', equals: 'total' }],
      containers: { by: 'name', project: 'mastodon' },
    };
    expect(buildInfluxqlStatement(rate, window)).toBe(
      `SELECT non_negative_derivative(mean("rx_bytes"), 1s) AS "value" FROM "docker_container_net" WHERE "network" =` +
        ` 'total' AND "container_name" =~ /^mastodon[-_][^-_]+[-_][0-9]+$/ AND time >= 1700000000000ms AND time <` +
        ` 1700003600000ms GROUP BY time(10s), "container_name" fill(null)`,
    );
    const last: SeriesQuery = { id: 'last', measurement: 'mem', field: 'used_percent', transform: 'last', where: [] };
    expect(buildInfluxqlStatement(last, window)).toBe(
      `SELECT last("used_percent") AS "value" FROM "mem" WHERE time >= 1700000000000ms AND time < 1700003600000ms`,
    );
  });

  it('parses a multi-statement answer by statement id, keeping nulls as gaps', () => {
    const queries: SeriesQuery[] = [
      { id: 'a', measurement: 'mem', field: 'used', transform: 'mean', where: [] },
      {
        id: 'b',
        measurement: 'docker_container_mem',
        field: 'usage',
        transform: 'mean',
        where: [],
        containers: { by: 'labels', project: 'p' },
      },
    ];
    const raw = parseInfluxqlResponse(queries, {
      results: [
        {
          statement_id: 1,
          series: [
            {
              name: 'docker_container_mem',
              tags: { container_name: 'p-web-1' },
              columns: ['time', 'value'],
              values: [
                [1, 5],
                [2, null],
              ],
            },
          ],
        },
        {
          statement_id: 0,
          series: [
            {
              name: 'mem',
              columns: ['time', 'value'],
              values: [
                [1, 10],
                [2, 'x'],
                [3, 12],
              ],
            },
          ],
        },
      ],
    });
    expect(raw).toEqual([
      {
        queryId: 'b',
        tags: { container_name: 'p-web-1' },
        points: [
          [1, 5],
          [2, null],
        ],
      },
      {
        queryId: 'a',
        tags: {},
        points: [
          [1, 10],
          [2, null],
          [3, 12],
        ],
      },
    ]);
  });

  it('throws on a statement error instead of returning partial data', () => {
    const queries: SeriesQuery[] = [{ id: 'a', measurement: 'mem', field: 'used', transform: 'mean', where: [] }];
    expect(() =>
      parseInfluxqlResponse(queries, { results: [{ statement_id: 0, error: 'database not found: x' }] }),
    ).toThrow(/database not found/);
  });
});
