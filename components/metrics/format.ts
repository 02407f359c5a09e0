import type { Format } from '@/lib/i18n/format';
import type { MetricUnit } from '@/lib/metrics/types';

/**
 * Chart and headline values in the reader's language: every function takes the active `Format`
 * (`useFormat()` in a client component, `await getFormat()` on the server), so a value reads `11.2 %` in
 * English and `11,2 %` in German, axes and tooltips included.
 */

export function formatValue(format: Format, unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'bytes':
      return format.bytes(value);
    case 'bytes_per_second':
      return `${format.bytes(value)}/s`;
    case 'percent':
    case 'cpu_percent':
      return format.percent(value);
    case 'load':
      return format.fixed(value, 2);
  }
}

/** Axis ticks: shorter than tooltips. */
export function formatAxisValue(format: Format, unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'bytes':
      return format.bytes(value, 0);
    case 'bytes_per_second':
      return `${format.bytes(value, 0)}/s`;
    case 'percent':
    case 'cpu_percent':
      return Math.abs(value) < 10 && !Number.isInteger(value)
        ? `${format.fixed(value, 1)} %`
        : `${format.fixed(Math.round(value), 0)} %`;
    case 'load':
      return format.fixed(value, 1);
  }
}

/** Time ticks in the browser's time zone: clock time for short spans, day and time for longer ones. */
export function formatTimeTick(format: Format, ms: number, spanMs: number): string {
  if (spanMs <= 26 * 3_600_000) return format.time(ms);
  return format.shortDate(ms) + (spanMs <= 8 * 86_400_000 ? ` ${format.time(ms)}` : '');
}

export function formatTime(format: Format, ms: number): string {
  return format.dateTime(ms, { seconds: true });
}
