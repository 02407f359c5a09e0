'use client';

import { useState, type FormEvent } from 'react';
import { useTranslations } from 'next-intl';

import { FieldError } from '@/components/ui/field-error';
import { useNow } from '@/components/ui/use-now';
import { PRESET_SPAN_MS, RANGE_PRESETS, metricsRangeSchema } from '@/lib/validations/metrics';

/** UTC text for a datetime-local input (which has no zone of its own). */
function utcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/**
 * Presets are plain links, so a view can be bookmarked; the custom range is a GET form checked by the
 * same schema as /api/metrics before it leaves the page. Without a `range` (none shown yet, or the
 * query was invalid) the form starts at the last hour.
 */
export function RangePicker({ preset, range }: { preset: string; range?: { fromMs: number; toMs: number } }) {
  const t = useTranslations('graphs.range');
  const [problems, setProblems] = useState<Record<string, string>>({});
  // The inputs show minutes, so a clock that ticks once a minute is exact enough for the default.
  const now = useNow(60_000);
  const { fromMs, toMs } = range ?? { fromMs: now - PRESET_SPAN_MS['1h'], toMs: now };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const data = Object.fromEntries(new FormData(event.currentTarget).entries());
    const parsed = metricsRangeSchema.safeParse(data);
    if (parsed.success) return;
    event.preventDefault();
    setProblems(Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'to'), issue.message])));
  };
  return (
    <div className="range-picker" data-testid="range-picker">
      <nav aria-label={t('label')} className="range-presets">
        {RANGE_PRESETS.map((name) => (
          <a
            key={name}
            href={`/graphs?range=${name}`}
            className="range-link"
            aria-current={preset === name ? 'page' : undefined}
          >
            {name}
          </a>
        ))}
      </nav>
      <details className="range-custom" open={preset === 'custom' || Object.keys(problems).length > 0}>
        <summary>{t('custom')}</summary>
        <form method="get" action="/graphs" className="form range-form" onSubmit={onSubmit} noValidate>
          <input type="hidden" name="range" value="custom" />
          <label>
            {t('from')}
            <input
              type="datetime-local"
              name="from"
              defaultValue={utcInput(fromMs)}
              required
              aria-invalid={problems.from ? true : undefined}
            />
            <FieldError errors={problems.from ? [problems.from] : undefined} />
          </label>
          <label>
            {t('to')}
            <input
              type="datetime-local"
              name="to"
              defaultValue={utcInput(toMs)}
              required
              aria-invalid={problems.to ? true : undefined}
            />
            <FieldError errors={problems.to ? [problems.to] : undefined} />
          </label>
          <button type="submit">{t('show')}</button>
        </form>
      </details>
    </div>
  );
}
