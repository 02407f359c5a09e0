import { describe, expect, it } from 'vitest';

import { buildFluxQuery, FluxQueryError, parseFluxCsv } from '@/lib/metrics/flux';
import { parseInfluxqlResponse } from '@/lib/metrics/influxql';
import type { QueryWindow, SeriesQuery } from '@/lib/metrics/query-spec';

// Deliberately not on a 10 s boundary, as preset windows ending "now" never are.
const window: QueryWindow = {
  fromMs: Date.UTC(2026, 7, 21, 10, 0, 5),
  toMs: Date.UTC(2026, 7, 21, 11, 0, 5),
  intervalMs: 10_000,
};
const RANGE = 'range(start: time(v: "2026-08-21T10:00:05.000Z"), stop: time(v: "2026-08-21T11:00:05.000Z"))';

const cpuBusy: SeriesQuery = {
  id: 'cpu_busy',
  measurement: 'cpu',
  field: 'usage_idle',
  transform: 'busy',
  where: [{ tag: 'cpu', equals: 'cpu-total' }],
};
const svcMem: SeriesQuery = {
  id: 'svc_mem',
  measurement: 'docker_container_mem',
  field: 'usage',
  transform: 'mean',
  where: [],
  containers: { by: 'labels', project: 'mastodon' },
};
const svcRx: SeriesQuery = {
  id: 'svc_rx',
  measurement: 'docker_container_net',
  field: 'rx_bytes',
  transform: 'rate',
  where: [{ tag: 'network', equals: 'total' }],
  containers: { by: 'name', project: 'my.proj' },
};
const lastSvcMem: SeriesQuery = { ...svcMem, id: 'last_svc_mem', transform: 'last' };

/** The pipeline of one yield in a script, so assertions on one query cannot match text of another. */
function pipelineOf(script: string, id: string): string {
  const found = script.split('\n\n').find((part) => part.endsWith(`|> yield(name: "${id}")`));
  if (!found) throw new Error(`no pipeline yields ${id}`);
  return found;
}

describe('buildFluxQuery', () => {
  it('writes a host busy query with absolute times, start-labelled epoch-aligned windows and 100 − mean', () => {
    expect(buildFluxQuery([cpuBusy], window, 'telegraf')).toBe(
      [
        'from(bucket: "telegraf")',
        `  |> ${RANGE}`,
        '  |> filter(fn: (r) => r._measurement == "cpu" and r._field == "usage_idle" and r["cpu"] == "cpu-total")',
        '  |> group(columns: [])',
        '  |> aggregateWindow(every: 10s, fn: mean, createEmpty: true, timeSrc: "_start")',
        '  |> map(fn: (r) => ({ r with _time: time(v: int(v: r._time) - int(v: r._time) % 10000000000) }))',
        '  |> map(fn: (r) => ({ r with _value: 100.0 - r._value }))',
        '  |> yield(name: "cpu_busy")',
      ].join('\n'),
    );
  });

  it('selects containers by compose label and keeps one table per container and service', () => {
    const text = pipelineOf(buildFluxQuery([svcMem], window, 'telegraf/autogen'), 'svc_mem');
    expect(text.split('\n')).toEqual([
      'from(bucket: "telegraf/autogen")',
      `  |> ${RANGE}`,
      '  |> filter(fn: (r) => r._measurement == "docker_container_mem" and r._field == "usage")',
      '  |> filter(fn: (r) => r["com.docker.compose.project"] == "mastodon")',
      '  |> group(columns: ["container_name", "com.docker.compose.service"])',
      '  |> aggregateWindow(every: 10s, fn: mean, createEmpty: true, timeSrc: "_start")',
      '  |> map(fn: (r) => ({ r with _time: time(v: int(v: r._time) - int(v: r._time) % 10000000000) }))',
      '  |> yield(name: "svc_mem")',
    ]);
  });

  it('falls back to an escaped name regex, and computes rates from non-empty windows', () => {
    const lines = pipelineOf(buildFluxQuery([svcRx], window, 'telegraf'), 'svc_rx').split('\n');
    expect(lines).toContain('  |> filter(fn: (r) => r["container_name"] =~ /^my\\.proj[-_][^-_]+[-_][0-9]+$/)');
    expect(lines).toContain('  |> group(columns: ["container_name"])');
    expect(lines).toContain(
      '  |> filter(fn: (r) => r._measurement == "docker_container_net" and r._field == "rx_bytes"' +
        ' and r["network"] == "total")',
    );
    const aggregate = lines.indexOf(
      '  |> aggregateWindow(every: 10s, fn: mean, createEmpty: false, timeSrc: "_start")',
    );
    const derivative = lines.indexOf('  |> derivative(unit: 1s, nonNegative: true)');
    expect(aggregate).toBeGreaterThan(0);
    expect(derivative).toBeGreaterThan(aggregate);
    expect(lines.at(-1)).toBe('  |> yield(name: "svc_rx")');
  });

  it('takes the newest point of each group for last, without windows', () => {
    const lines = pipelineOf(buildFluxQuery([lastSvcMem], window, 'telegraf'), 'last_svc_mem').split('\n');
    expect(lines.slice(-4)).toEqual([
      '  |> group(columns: ["container_name", "com.docker.compose.service"])',
      '  |> sort(columns: ["_time"])',
      '  |> last()',
      '  |> yield(name: "last_svc_mem")',
    ]);
    expect(lines.join('\n')).not.toContain('aggregateWindow');
    expect(lines[1]).toBe(`  |> ${RANGE}`);
  });

  it('puts every query in one script, each under its own yield', () => {
    const script = buildFluxQuery([cpuBusy, svcMem, svcRx, lastSvcMem], window, 'telegraf');
    expect(script.match(/^from\(bucket: "telegraf"\)$/gm)).toHaveLength(4);
    expect(script.match(/\|> yield\(name: "[^"]+"\)/g)).toEqual([
      '|> yield(name: "cpu_busy")',
      '|> yield(name: "svc_mem")',
      '|> yield(name: "svc_rx")',
      '|> yield(name: "last_svc_mem")',
    ]);
  });

  it.each([
    [500, 'every: 500ms', '% 500000000)'],
    [60_000, 'every: 60s', '% 60000000000)'],
    [86_400_000, 'every: 86400s', '% 86400000000000)'],
  ])('writes a %d ms interval as a Flux duration', (intervalMs, every, modulo) => {
    const script = buildFluxQuery([cpuBusy], { ...window, intervalMs }, 'telegraf');
    expect(script).toContain(every);
    expect(script).toContain(modulo);
  });

  it('keeps hostile names and values inside their string and regex literals', () => {
    const hostile = 'x") |> drop() \\ ${now()}';
    const queries: SeriesQuery[] = [
      {
        ...svcMem,
        id: hostile,
        where: [{ tag: `t"${hostile}`, equals: hostile }],
        containers: { by: 'labels', project: hostile },
      },
      { ...svcRx, containers: { by: 'name', project: hostile } },
    ];
    const script = buildFluxQuery(queries, window, hostile);
    const escaped = '"x\\") |> drop() \\\\ \\${now()}"';
    expect(script).toContain(`from(bucket: ${escaped})`);
    expect(script).toContain(`r["t\\"x\\") |> drop() \\\\ \\\${now()}"] == ${escaped}`);
    expect(script).toContain(`  |> filter(fn: (r) => r["com.docker.compose.project"] == ${escaped})`);
    expect(script).toContain(`  |> yield(name: ${escaped})`);
    expect(script).toContain(
      '  |> filter(fn: (r) => r["container_name"] =~ /^x"\\) \\|> drop\\(\\)' +
        ' \\\\ \\$\\{now\\(\\)\\}[-_][^-_]+[-_][0-9]+$/)',
    );
    // Every pipeline still has exactly its own steps: nothing leaked out of a literal into a new one.
    expect(script.match(/\|> drop\(\)/g)).toHaveLength(6);
    expect(
      script
        .split('\n')
        .filter((line) => line.startsWith('  |> '))
        .map((line) => line.slice(5, line.indexOf('('))),
    ).toEqual([
      ...['range', 'filter', 'filter', 'group', 'aggregateWindow', 'map', 'yield'],
      ...['range', 'filter', 'filter', 'group', 'aggregateWindow', 'map', 'derivative', 'yield'],
    ]);
  });
});

/** Joins annotated-CSV tables the way InfluxDB 2 sends them: CRLF lines, a blank line after each table block. */
function answer(...blocks: string[][]): string {
  return blocks.map((lines) => `${lines.join('\r\n')}\r\n\r\n`).join('');
}

const START = '2026-08-21T10:00:05Z';
const STOP = '2026-08-21T11:00:05Z';
const T0 = Date.UTC(2026, 7, 21, 10, 0, 0);
const T1 = T0 + 10_000;
const T2 = T0 + 20_000;

/** svc_mem for two containers (two tables), after group() |> aggregateWindow(). */
const svcMemBlock = [
  '#group,false,false,true,true,false,false,true,true',
  '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string',
  '#default,svc_mem,,,,,,,',
  ',result,table,_start,_stop,_time,_value,com.docker.compose.service,container_name',
  `,,0,${START},${STOP},2026-08-21T10:00:00Z,52428800,sidekiq,mastodon-sidekiq-1`,
  `,,0,${START},${STOP},2026-08-21T10:00:10Z,,sidekiq,mastodon-sidekiq-1`,
  `,,0,${START},${STOP},2026-08-21T10:00:20Z,53477376.5,sidekiq,mastodon-sidekiq-1`,
  `,,1,${START},${STOP},2026-08-21T10:00:00Z,104857600,web,mastodon-web-1`,
  `,,1,${START},${STOP},2026-08-21T10:00:10Z,105906176,web,mastodon-web-1`,
  `,,1,${START},${STOP},2026-08-21T10:00:20Z,,web,mastodon-web-1`,
];

/** cpu_busy on the host: no group tags, one table. */
const cpuBusyBlock = [
  '#group,false,false,true,true,false,false',
  '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double',
  '#default,cpu_busy,,,,,',
  ',result,table,_start,_stop,_time,_value',
  `,,0,${START},${STOP},2026-08-21T10:00:00Z,12.5`,
  `,,0,${START},${STOP},2026-08-21T10:00:10Z,`,
  `,,0,${START},${STOP},2026-08-21T10:00:20Z,7.25`,
];

describe('parseFluxCsv', () => {
  it('maps two yields to their queries, one series per table, with empty windows as null', () => {
    expect(parseFluxCsv([cpuBusy, svcMem], answer(svcMemBlock, cpuBusyBlock))).toEqual([
      {
        queryId: 'svc_mem',
        tags: { container_name: 'mastodon-sidekiq-1', 'com.docker.compose.service': 'sidekiq' },
        points: [
          [T0, 52428800],
          [T1, null],
          [T2, 53477376.5],
        ],
      },
      {
        queryId: 'svc_mem',
        tags: { container_name: 'mastodon-web-1', 'com.docker.compose.service': 'web' },
        points: [
          [T0, 104857600],
          [T1, 105906176],
          [T2, null],
        ],
      },
      {
        queryId: 'cpu_busy',
        tags: {},
        points: [
          [T0, 12.5],
          [T1, null],
          [T2, 7.25],
        ],
      },
    ]);
  });

  it('gives the same series as the InfluxQL path for the same data', () => {
    const fromInfluxql = parseInfluxqlResponse([svcMem, cpuBusy], {
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: 'docker_container_mem',
              tags: { 'com.docker.compose.service': 'sidekiq', container_name: 'mastodon-sidekiq-1' },
              columns: ['time', 'value'],
              values: [
                [T0, 52428800],
                [T1, null],
                [T2, 53477376.5],
              ],
            },
            {
              name: 'docker_container_mem',
              tags: { 'com.docker.compose.service': 'web', container_name: 'mastodon-web-1' },
              columns: ['time', 'value'],
              values: [
                [T0, 104857600],
                [T1, 105906176],
                [T2, null],
              ],
            },
          ],
        },
        {
          statement_id: 1,
          series: [
            {
              name: 'cpu',
              columns: ['time', 'value'],
              values: [
                [T0, 12.5],
                [T1, null],
                [T2, 7.25],
              ],
            },
          ],
        },
      ],
    });
    expect(parseFluxCsv([svcMem, cpuBusy], answer(svcMemBlock, cpuBusyBlock))).toEqual(fromInfluxql);
  });

  it('reads result names given in the rows, keeps only the group tags that have a value, and sorts points', () => {
    const csv = answer([
      '#group,false,false,true,true,false,false,true,true,true,true',
      '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string',
      '#default,_result,,,,,,,,,',
      ',result,table,_start,_stop,_time,_value,_field,_measurement,container_name,com.docker.compose.service',
      `,svc_rx,0,${START},${STOP},2026-08-21T10:00:20.000000001Z,2048,rx_bytes,docker_container_net,my.proj-web-1,web`,
      `,svc_rx,0,${START},${STOP},2026-08-21T10:00:10Z,1024.5,rx_bytes,docker_container_net,my.proj-web-1,web`,
      `,svc_rx,1,${START},${STOP},2026-08-21T10:00:20Z,NaN,rx_bytes,docker_container_net,,`,
    ]);
    expect(parseFluxCsv([svcRx], csv)).toEqual([
      {
        queryId: 'svc_rx',
        tags: { container_name: 'my.proj-web-1' },
        points: [
          [T1, 1024.5],
          [T2, 2048],
        ],
      },
      { queryId: 'svc_rx', tags: {}, points: [[T2, null]] },
    ]);
  });

  it('ignores results that name no query, and reads integer values of last()', () => {
    const csv = answer(
      [
        '#group,false,false,true,true,false,false,true,true,false,true,true,false',
        '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,long,' +
          'string,string,string,string,string,string',
        '#default,last_svc_mem,,,,,,,,,,,',
        ',result,table,_start,_stop,_time,_value,_field,_measurement,' +
          'com.docker.compose.project,com.docker.compose.service,container_name,container_status',
        `,,0,${START},${STOP},2026-08-21T11:00:00Z,104857600,` +
          'usage,docker_container_mem,mastodon,web,mastodon-web-1,running',
      ],
      [
        '#group,false,false,false,false',
        '#datatype,string,long,dateTime:RFC3339,double',
        '#default,_result,,,',
        ',result,table,_time,_value',
        ',,0,2026-08-21T10:00:00Z,1',
      ],
    );
    expect(parseFluxCsv([lastSvcMem], csv)).toEqual([
      {
        queryId: 'last_svc_mem',
        tags: { container_name: 'mastodon-web-1', 'com.docker.compose.service': 'web' },
        points: [[Date.UTC(2026, 7, 21, 11, 0, 0), 104857600]],
      },
    ]);
  });

  it('accepts LF line endings too', () => {
    const csv = answer(cpuBusyBlock).replaceAll('\r\n', '\n');
    expect(parseFluxCsv([cpuBusy], csv)).toEqual([
      {
        queryId: 'cpu_busy',
        tags: {},
        points: [
          [T0, 12.5],
          [T1, null],
          [T2, 7.25],
        ],
      },
    ]);
  });

  it('returns nothing for an empty answer', () => {
    expect(parseFluxCsv([cpuBusy], '\r\n')).toEqual([]);
  });

  const errorBlock = [
    '#datatype,string,string',
    '#group,true,true',
    '#default,,',
    ',error,reference',
    ',"runtime error @5:6-5:70: aggregateWindow: query terminated, reached maximum allowed memory limits",',
  ];

  it('throws the message of an error table that follows data', () => {
    const run = () => parseFluxCsv([cpuBusy, svcMem], answer(svcMemBlock, errorBlock));
    expect(run).toThrow(FluxQueryError);
    expect(run).toThrow(
      'runtime error @5:6-5:70: aggregateWindow: query terminated, reached maximum allowed memory limits',
    );
  });

  it("throws the message of an answer that is only an error, unquoted as Go's CSV writer quotes it", () => {
    const csv = answer([
      '#datatype,string,string',
      '#group,true,true',
      '#default,,',
      ',error,reference',
      ',"failed to initialize execute state: bucket ""telegraf"" not found",',
    ]);
    expect(() => parseFluxCsv([cpuBusy], csv)).toThrow(
      /failed to initialize execute state: bucket "telegraf" not found/,
    );
  });
});
