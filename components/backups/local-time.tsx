'use client';

import { useTranslations } from 'next-intl';

import { useFormat } from '@/components/i18n/use-format';

/** How long ago a moment was, or how soon it comes, in the reader's language ("5 h ago", "in 3 h"). */
export function useRelative(): (ms: number, nowMs: number) => string {
  const t = useTranslations('backups.time');
  const format = useFormat();
  return (ms, nowMs) => {
    if (ms > nowMs) {
      const ahead = ms - nowMs;
      return ahead < 60_000 ? t('soon') : t('in', { duration: format.duration(Math.ceil(ahead / 60_000) * 60_000) });
    }
    const behind = nowMs - ms;
    // Whole minutes: a time hours old does not need its seconds.
    return behind < 60_000
      ? t('justNow')
      : t('ago', { duration: format.duration(Math.floor(behind / 60_000) * 60_000) });
  };
}

/** A time in the browser's own zone, with how long ago it was (or how soon it comes). */
export function LocalTime({ iso, nowMs }: { iso: string; nowMs: number }) {
  const t = useTranslations('backups.time');
  const format = useFormat();
  const relative = useRelative();
  const ms = Date.parse(iso);
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {t('at', { time: format.dateTime(ms), relative: relative(ms, nowMs) })}
    </time>
  );
}
