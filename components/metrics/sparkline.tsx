'use client';

import { Line, LineChart, YAxis } from 'recharts';

import type { MetricPoint } from '@/lib/metrics/types';

/** The headline's small trend: no axes, gaps kept. */
export function Sparkline({ points, label }: { points: readonly MetricPoint[]; label: string }) {
  const data = points.map(([t, v]) => ({ t, v }));
  if (data.filter((d) => d.v !== null).length < 2) return <span className="sparkline-empty muted small">no trend yet</span>;
  return (
    <span className="sparkline" role="img" aria-label={`${label}, last hour`}>
      <LineChart width={120} height={32} data={data} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line dataKey="v" type="linear" stroke="var(--accent)" strokeWidth={1.5} dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </span>
  );
}
