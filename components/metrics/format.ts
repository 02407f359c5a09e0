import type { MetricUnit } from '@/lib/metrics/types';

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;

/** Bytes in binary units, as free(1) and docker stats show them. */
export function formatBytes(bytes: number, digits = 1): string {
  const abs = Math.abs(bytes);
  if (abs >= GIB) return `${(bytes / GIB).toFixed(digits)} GiB`;
  if (abs >= MIB) return `${(bytes / MIB).toFixed(abs >= 100 * MIB ? 0 : digits)} MiB`;
  if (abs >= KIB) return `${(bytes / KIB).toFixed(0)} KiB`;
  return `${Math.round(bytes)} B`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(value >= 100 ? 0 : 1)} %`;
}

export function formatValue(unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'bytes_per_second':
      return `${formatBytes(value)}/s`;
    case 'percent':
    case 'cpu_percent':
      return formatPercent(value);
    case 'load':
      return value.toFixed(2);
  }
}

/** Axis ticks: shorter than tooltips. */
export function formatAxisValue(unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(value, 0);
    case 'bytes_per_second':
      return `${formatBytes(value, 0)}/s`;
    case 'percent':
    case 'cpu_percent':
      return `${Math.abs(value) < 10 && !Number.isInteger(value) ? value.toFixed(1) : Math.round(value)} %`;
    case 'load':
      return value.toFixed(1);
  }
}

/** Time ticks in the browser's time zone: clock time for short spans, day and time for longer ones. */
export function formatTimeTick(ms: number, spanMs: number): string {
  const date = new Date(ms);
  if (spanMs <= 26 * 3_600_000) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    date.toLocaleDateString([], { month: 'short', day: 'numeric' }) +
    (spanMs <= 8 * 86_400_000 ? ` ${date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '')
  );
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString([], {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
