import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { decodeText, renderText } from '@/lib/i18n/text';
import { MAX_POINTS_PER_SERIES, bucketStarts, intervalFor, resolveRange } from '@/lib/metrics/range';
import { PRESET_SPAN_MS, RANGE_PRESETS, metricsRangeSchema, rangeParams } from '@/lib/validations/metrics';

describe('ranges', () => {
  it.each(RANGE_PRESETS)('keeps %s within the point bound at a readable interval', (preset) => {
    const range = resolveRange({ range: preset }, 1_795_710_123_456);
    expect(range.toMs - range.fromMs).toBe(PRESET_SPAN_MS[preset]);
    expect(bucketStarts(range).length).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    expect(range.intervalMs).toBeGreaterThanOrEqual(10_000);
  });

  it('picks the documented intervals for the presets', () => {
    expect(RANGE_PRESETS.map((p) => intervalFor(PRESET_SPAN_MS[p]))).toEqual([
      10_000, 60_000, 300_000, 1_800_000, 7_200_000,
    ]);
  });

  it('never exceeds the bound for arbitrary spans, misaligned starts included', () => {
    for (let span = 5 * 60_000; span <= 366 * 86_400_000; span = Math.ceil(span * 1.37)) {
      const buckets = bucketStarts({ fromMs: 1_000_003, toMs: 1_000_003 + span, intervalMs: intervalFor(span) });
      expect(buckets.length, `span ${span}`).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    }
  });

  it('parses URL parameters: default, presets, custom with and without a zone', () => {
    expect(metricsRangeSchema.parse(rangeParams(new URLSearchParams('')))).toEqual({ range: '1h' });
    expect(metricsRangeSchema.parse(rangeParams({ range: '7d' }))).toEqual({ range: '7d' });
    expect(
      metricsRangeSchema.parse(
        rangeParams(new URLSearchParams('range=custom&from=2026-11-20T10:00&to=2026-11-20T12:00%2B01:00')),
      ),
    ).toEqual({
      range: 'custom',
      from: Date.parse('2026-11-20T10:00Z'),
      to: Date.parse('2026-11-20T11:00Z'),
    });
  });

  it.each([
    ['range=2h', /1h, 6h, 24h, 7d, 30d or custom/],
    ['range=custom&from=2026-11-20T12:00&to=2026-11-20T10:00', /end must be after the start/],
    ['range=custom&from=2026-11-20T12:00&to=2026-11-20T12:01', /at least 5 minutes/],
    ['range=custom&from=2024-01-01T00:00&to=2026-01-01T00:00', /at most one year/],
    ['range=custom&from=yesterday&to=2026-11-20T12:00', /date and time like/],
    ['range=custom&from=2026-13-45T12:00&to=2026-11-20T12:00', /real date/],
    ['range=custom&to=2026-11-20T12:00', /date and time/i],
  ])('refuses %s with a clear message', (query, message) => {
    const parsed = metricsRangeSchema.safeParse(rangeParams(new URLSearchParams(query)));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => inEnglish(decodeText(i.message))).join('; ')).toMatch(message);
  });

  it('says why a range is refused in German too', () => {
    const parsed = metricsRangeSchema.safeParse(
      rangeParams(new URLSearchParams('range=custom&from=2026-11-20T12:00&to=2026-11-20T10:00')),
    );
    const de = translatorFor('de');
    expect(parsed.error?.issues.map((i) => renderText(de, decodeText(i.message)))).toEqual([
      'Das Ende muss nach dem Anfang liegen',
    ]);
  });
});
