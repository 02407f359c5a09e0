import type { Tone } from '@/components/containers/format';
import type { AuditFilter, AuditRecordView, JsonObject } from '@/lib/audit';
import { formatFor, type Format } from '@/lib/i18n/format';
import { text, type Text } from '@/lib/i18n/text';

/** The outcome as the page shows it: a word and a tone (the badge adds a shape), never colour alone. */
export function outcomeDisplay(record: Pick<AuditRecordView, 'outcome' | 'running'>): { word: Text; tone: Tone } {
  switch (record.outcome) {
    case 'started':
      // A 'started' record of an earlier run can only have been cut short, even before start-up marks it.
      return record.running
        ? { word: text('audit.outcomes.running'), tone: 'warn' }
        : { word: text('audit.outcomes.interrupted'), tone: 'bad' };
    case 'succeeded':
      return { word: text('audit.outcomes.succeeded'), tone: 'good' };
    case 'failed':
      return { word: text('audit.outcomes.failed'), tone: 'bad' };
    case 'refused':
      return { word: text('audit.outcomes.refused'), tone: 'warn' };
    case 'interrupted':
      return { word: text('audit.outcomes.interrupted'), tone: 'bad' };
  }
}

/** Server-rendered, so in UTC and said so: the server's and the browser's time zones may differ. */
export function formatAuditTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * For a counted row (repeated failures collapsed into one): "× 240 between 10:02:13 and 10:06:58 UTC",
 * with the date once when both ends share it. Undefined for a single record.
 */
export function formatRepeat(record: Pick<AuditRecordView, 'count' | 'startedAt' | 'finishedAt'>): Text | undefined {
  if (record.count <= 1) return undefined;
  const first = formatAuditTime(record.startedAt);
  const last = formatAuditTime(record.finishedAt ?? record.startedAt);
  const lastShown = first.slice(0, 10) === last.slice(0, 10) ? last.slice(11) : last;
  return text('audit.table.repeat', { count: record.count, first: first.slice(0, 19), last: lastShown });
}

/** `340 ms`, `12.3 s` / `12,3 s`, then the two largest units. */
export function formatDurationMs(ms: number | null, format: Format = formatFor('en')): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${format.number(ms)} ms`;
  if (ms < 60_000) return `${format.fixed(ms / 1000, 1)} s`;
  return format.duration(ms);
}

/** Parameters as short `key → text` pairs; nested values as compact JSON. */
export function paramEntries(params: JsonObject): [string, string][] {
  return Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

/** A link to the audit page (or its export) that keeps the filter in the URL. */
export function auditHref(filter: Pick<AuditFilter, 'action' | 'outcome' | 'beforeId'>, path = '/audit'): string {
  const query = new URLSearchParams();
  if (filter.action) query.set('action', filter.action);
  if (filter.outcome) query.set('outcome', filter.outcome);
  if (filter.beforeId !== undefined) query.set('beforeId', String(filter.beforeId));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
