'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';
import { renderText } from '@/lib/i18n/text';
import type { MetricChart, RestartMarker } from '@/lib/metrics/types';

import { formatAxisValue, formatTime, formatTimeTick, formatValue } from './format';

const COLOURS = [
  'var(--chart-1)',
  'var(--chart-2)',
  'var(--chart-3)',
  'var(--chart-4)',
  'var(--chart-5)',
  'var(--chart-6)',
  'var(--chart-7)',
];

type Row = { t: number } & Record<string, number | null>;

/** One row per timestamp with a column per series; a missing value is null, which the line leaves as a gap. */
function toRows(chart: MetricChart): Row[] {
  const rows = new Map<number, Row>();
  chart.series.forEach((series, index) => {
    for (const [t, value] of series.points) {
      const row = rows.get(t) ?? ({ t } as Row);
      row[`s${index}`] = value;
      rows.set(t, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

function maxValue(chart: MetricChart): number {
  let max = 0;
  for (const series of chart.series)
    for (const [, value] of series.points) if (value !== null && value > max) max = value;
  return max;
}

/** Axis ticks at round binary amounts (0, 2, 4, 6 GiB), which recharts' decimal ticks are not. */
export function binaryTicks(max: number): number[] {
  const units = [1024 ** 3, 1024 ** 2, 1024, 1];
  const unit = units.find((u) => max >= u) ?? 1;
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500].map((n) => n * unit).find((s) => max / s <= 5) ?? 1024 * unit;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

export function MetricsChart({
  chart,
  fromMs,
  toMs,
  markers,
  height = 220,
}: {
  chart: MetricChart;
  fromMs: number;
  toMs: number;
  markers: readonly RestartMarker[];
  height?: number;
}) {
  const t = useTranslations();
  const format = useFormat();
  const rows = toRows(chart);
  const spanMs = toMs - fromMs;
  const empty = chart.series.every((series) => series.points.every(([, value]) => value === null));
  const byteTicks =
    chart.unit === 'bytes' || chart.unit === 'bytes_per_second' ? binaryTicks(maxValue(chart)) : undefined;
  return (
    <figure className="chart" data-testid={`chart-${chart.id}`} data-series={chart.series.map((s) => s.key).join(',')}>
      <figcaption className="chart-title">
        <TranslatedText text={chart.title} />
      </figcaption>
      {empty ? (
        <p className="chart-empty">{t('graphs.chart.empty')}</p>
      ) : (
        <div className="chart-canvas" style={{ height }}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
              <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[fromMs, toMs]}
                allowDataOverflow
                tickFormatter={(t: number) => formatTimeTick(format, t, spanMs)}
                stroke="var(--muted)"
                fontSize={12}
                minTickGap={24}
              />
              <YAxis
                stroke="var(--muted)"
                fontSize={12}
                width={72}
                tickFormatter={(v: number) => formatAxisValue(format, chart.unit, v)}
                {...(byteTicks
                  ? { ticks: byteTicks, domain: [0, byteTicks[byteTicks.length - 1]!] }
                  : {
                      domain:
                        chart.unit === 'percent'
                          ? [0, (max: number) => Math.max(10, Math.ceil(max / 10) * 10)]
                          : [0, 'auto'],
                    })}
              />
              <Tooltip
                labelFormatter={(at) => formatTime(format, Number(at))}
                formatter={(value, name) => [
                  typeof value === 'number' ? formatValue(format, chart.unit, value) : t('graphs.chart.noData'),
                  String(name),
                ]}
                contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }}
              />
              {chart.series.length > 1 ? <Legend wrapperStyle={{ fontSize: 13 }} itemSorter={null} /> : null}
              {markers.map((marker) => (
                <ReferenceLine
                  key={`${marker.atMs}-${marker.service}`}
                  x={marker.atMs}
                  stroke="var(--marker)"
                  strokeDasharray="4 3"
                  ifOverflow="hidden"
                  label={{ value: '↻', position: 'insideTopRight', fill: 'var(--marker)', fontSize: 13 }}
                />
              ))}
              {chart.series.map((series, index) => (
                <Line
                  key={series.key}
                  dataKey={`s${index}`}
                  name={renderText(t, series.label)}
                  type="linear"
                  stroke={COLOURS[index % COLOURS.length]}
                  strokeWidth={1.8}
                  dot={false}
                  connectNulls={false}
                  isAnimationActive={false}
                  className={`series-${series.key}`}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {chart.notes.length > 0 ? (
        <ul className="chart-notes">
          {chart.notes.map((note) => (
            <li key={JSON.stringify(note)}>
              <TranslatedText text={note} />
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
