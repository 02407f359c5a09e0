import type { MetricPoint } from '@/lib/metrics/types';

/**
 * The SVG path of a sparkline: the points scaled into the box (the y range is the data's own minimum to
 * maximum), one `M` per run of values, so a missing value (null) leaves a gap. A lone value between two
 * gaps is drawn as a dot-sized segment, so it stays visible.
 */
export function sparklinePath(points: readonly MetricPoint[], width: number, height: number, inset = 2): string {
  const values = points.map(([, value]) => value).filter((value): value is number => value !== null);
  if (values.length === 0 || points.length < 2) return '';
  const first = points[0]![0];
  const last = points[points.length - 1]![0];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const x = (t: number) => inset + ((t - first) / (last - first || 1)) * (width - 2 * inset);
  // A flat line sits in the middle.
  const y = (v: number) => (max === min ? height / 2 : inset + (1 - (v - min) / (max - min)) * (height - 2 * inset));
  const round = (n: number) => Math.round(n * 100) / 100;
  let path = '';
  let penDown = false;
  points.forEach(([t, v], index) => {
    if (v === null) {
      penDown = false;
      return;
    }
    const next = points[index + 1];
    const isolated = !penDown && (next === undefined || next[1] === null);
    path += `${penDown ? 'L' : 'M'}${round(x(t))},${round(y(v))}`;
    if (isolated) path += `h0.01`;
    penDown = true;
  });
  return path;
}
