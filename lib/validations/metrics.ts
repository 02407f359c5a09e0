import { z } from 'zod';

import { encodeText, text } from '@/lib/i18n/text';

export const RANGE_PRESETS = ['1h', '6h', '24h', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_SPAN_MS: Readonly<Record<RangePreset, number>> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/** The longest custom range: a year at the coarsest interval still stays under the point bound. */
export const MAX_CUSTOM_SPAN_MS = 366 * 86_400_000;
export const MIN_CUSTOM_SPAN_MS = 5 * 60_000;

const RANGE_CHOICE = encodeText(text('graphs.fields.rangeChoice'));

const instant = z
  .string({ error: encodeText(text('graphs.fields.dateRequired')) })
  .trim()
  .refine(
    (text) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(text),
    encodeText(text('graphs.fields.dateFormat')),
  )
  .transform((text) => Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`))
  .refine((ms) => Number.isFinite(ms), encodeText(text('graphs.fields.dateInvalid')));

/**
 * The graphs' range as it appears in the URL (?range=24h, or ?range=custom&from=…&to=…), shared by the
 * page, the range form and /api/metrics. Times without a zone are UTC.
 */
export const metricsRangeSchema = z.discriminatedUnion(
  'range',
  [
    z.object({ range: z.enum(RANGE_PRESETS, { error: RANGE_CHOICE }) }).strict(),
    z
      .object({ range: z.literal('custom'), from: instant, to: instant })
      .strict()
      .superRefine((r, context) => {
        const problem =
          r.to <= r.from
            ? encodeText(text('graphs.fields.endBeforeStart'))
            : r.to - r.from < MIN_CUSTOM_SPAN_MS
              ? encodeText(text('graphs.fields.tooShort'))
              : r.to - r.from > MAX_CUSTOM_SPAN_MS
                ? encodeText(text('graphs.fields.tooLong'))
                : undefined;
        if (problem) context.addIssue({ code: 'custom', message: problem, path: ['to'] });
      }),
  ],
  { error: RANGE_CHOICE },
);

export type MetricsRangeInput = z.infer<typeof metricsRangeSchema>;

/** URL search parameters to the schema's input; a missing range means the default of one hour. */
export function rangeParams(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): Record<string, string> {
  const get = (key: string): string | undefined => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const out: Record<string, string> = { range: get('range') ?? '1h' };
  for (const key of ['from', 'to']) {
    const value = get(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
