/**
 * Numbers, sizes, percentages, times and durations for one language, through Intl. Pure and shared: server
 * components, client components (via `useFormat`) and the alert mails format the same way, so a value reads
 * `11.2 %` in English and `11,2 %` in German wherever it appears. Units and the duration words are fixed per
 * language here, not taken from ICU's unit data, so that Node's and the browser's ICU cannot render them
 * differently (a hydration mismatch).
 */
import type { Locale } from './locales';

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;
const TIB = GIB * 1024;

const DURATION_UNITS: Record<Locale, readonly [number, string][]> = {
  en: [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ],
  de: [
    [86_400, 'Tg.'],
    [3_600, 'Std.'],
    [60, 'Min.'],
    [1, 's'],
  ],
};

export interface Format {
  locale: Locale;
  /** A number with at most `digits` decimals (default 0) and the language's separators: 12,345.6 / 12.345,6. */
  number(value: number, digits?: number): string;
  /** Exactly `digits` decimals: 0.70 / 0,70. */
  fixed(value: number, digits: number): string;
  /** `11.2 %` / `11,2 %`; whole numbers from 100 up. */
  percent(value: number, digits?: number): string;
  /** Binary units as free(1) and docker stats show them: `3.6 GiB` / `3,6 GiB`. */
  bytes(bytes: number, digits?: number): string;
  /** The two largest units: `3 d 4 h`, `12 min` / `3 Tg. 4 Std.`, `12 Min.`. */
  duration(ms: number): string;
  /** `Dec 3, 2026, 08:17 AM` / `3. Dez. 2026, 08:17`, in the runtime's time zone unless one is given. */
  dateTime(value: number | Date, options?: { seconds?: boolean; timeZone?: string }): string;
  /** `Dec 3` / `3. Dez.` */
  shortDate(value: number | Date, options?: { timeZone?: string }): string;
  /** `08:17 AM` / `08:17` */
  time(value: number | Date, options?: { seconds?: boolean; timeZone?: string }): string;
}

const cache = new Map<Locale, Format>();

export function formatFor(locale: Locale): Format {
  let format = cache.get(locale);
  if (!format) {
    format = createFormat(locale);
    cache.set(locale, format);
  }
  return format;
}

function createFormat(locale: Locale): Format {
  const numberFormats = new Map<string, Intl.NumberFormat>();
  const numberWith = (min: number, max: number) => {
    const id = `${min}:${max}`;
    let found = numberFormats.get(id);
    if (!found) {
      found = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max });
      numberFormats.set(id, found);
    }
    return found;
  };
  const fixed = (value: number, digits: number) => numberWith(digits, digits).format(value);

  const dateTimeOptions = (options: Intl.DateTimeFormatOptions, timeZone: string | undefined) =>
    timeZone ? { ...options, timeZone } : options;

  return {
    locale,
    number: (value, digits = 0) => numberWith(0, digits).format(value),
    fixed,
    percent: (value, digits = 1) => `${fixed(value, value >= 100 ? 0 : digits)} %`,
    bytes(bytes, digits = 1) {
      const abs = Math.abs(bytes);
      if (abs >= TIB) return `${fixed(bytes / TIB, digits)} TiB`;
      if (abs >= GIB) return `${fixed(bytes / GIB, digits)} GiB`;
      if (abs >= MIB) return `${fixed(bytes / MIB, abs >= 100 * MIB ? 0 : digits)} MiB`;
      if (abs >= KIB) return `${fixed(bytes / KIB, 0)} KiB`;
      return `${fixed(Math.round(bytes), 0)} B`;
    },
    duration(ms) {
      let rest = Math.max(0, Math.floor(ms / 1000));
      const parts: string[] = [];
      for (const [size, label] of DURATION_UNITS[locale]) {
        const amount = Math.floor(rest / size);
        if (amount > 0 || (parts.length === 0 && size === 1)) parts.push(`${fixed(amount, 0)} ${label}`);
        rest -= amount * size;
        if (parts.length === 2) break;
      }
      return parts.join(' ');
    },
    dateTime: (value, options = {}) =>
      new Intl.DateTimeFormat(
        locale,
        dateTimeOptions(
          {
            day: 'numeric',
            month: 'short',
            year: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            ...(options.seconds ? { second: '2-digit' } : {}),
          },
          options.timeZone,
        ),
      ).format(value),
    shortDate: (value, options = {}) =>
      new Intl.DateTimeFormat(locale, dateTimeOptions({ day: 'numeric', month: 'short' }, options.timeZone)).format(
        value,
      ),
    time: (value, options = {}) =>
      new Intl.DateTimeFormat(
        locale,
        dateTimeOptions(
          { hour: '2-digit', minute: '2-digit', ...(options.seconds ? { second: '2-digit' } : {}) },
          options.timeZone,
        ),
      ).format(value),
  };
}
