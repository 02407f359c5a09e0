'use client';

import { useTranslations } from 'next-intl';

import type { MetricPoint } from '@/lib/metrics/types';

import { sparklinePath } from './sparkline-path';

const WIDTH = 120;
const HEIGHT = 32;

/**
 * The headline's small trend: no axes, gaps kept. Plain SVG rather than recharts, which only the graphs
 * page loads; it keeps the home page's JavaScript small.
 */
export function Sparkline({ points, label }: { points: readonly MetricPoint[]; label: string }) {
  const t = useTranslations('graphs.sparkline');
  if (points.filter(([, value]) => value !== null).length < 2)
    return <span className="sparkline-empty muted small">{t('empty')}</span>;
  return (
    <span className="sparkline" role="img" aria-label={t('label', { label })}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true">
        <path
          d={sparklinePath(points, WIDTH, HEIGHT)}
          fill="none"
          stroke="var(--accent)"
          strokeWidth={1.5}
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      </svg>
    </span>
  );
}
