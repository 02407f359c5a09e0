import 'server-only';

import { bootId } from '../store';
import { listAudit, MAX_LIMIT, select } from './read';
import { toView, type AuditFilter, type AuditRecordView } from './records';

const CSV_COLUMNS = [
  'id',
  'started_at',
  'finished_at',
  'actor',
  'session',
  'action',
  'target',
  'outcome',
  'error',
  'duration_ms',
  'params',
  'count',
] as const;

/*
 * A would-be cell that starts like a formula: at the field's start, or right after a `;` or `|`, where a
 * spreadsheet in a `;` locale (German, French, …) or a `|`-split import cuts the line. Starters: `= + - @`,
 * tab and CR (OWASP's list: some importers drop the whitespace and read what follows), and the full-width
 * `＝ ＋ － ＠` that some spreadsheets fold to ASCII. Spaces before the starter count, for importers that trim.
 */
const FORMULA_CELL = /(^|[;|])(?=[ ]*[=+\-@\t\r＝＋－＠])/gu;

/**
 * One CSV field: every would-be cell that starts like a formula gets a leading `'`, then the field is
 * always quoted (quotes doubled), so no separator or line break inside it can start a new cell.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '""';
  const text = typeof value === 'string' ? value.replace(FORMULA_CELL, "$1'") : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * RFC 4180 CSV (CRLF line ends, header line) of the records matching the filter, newest first.
 * Without `limit` it exports every matching record, since an export that silently stops is no audit.
 */
export function auditCsv(filter: AuditFilter): string {
  const current = bootId();
  const rows: AuditRecordView[] = [];
  if (filter.limit !== undefined) {
    rows.push(...listAudit(filter));
  } else {
    let beforeId = filter.beforeId;
    for (;;) {
      const page = select({ ...filter, beforeId }, MAX_LIMIT);
      rows.push(...page.map((row) => toView(row, current)));
      if (page.length < MAX_LIMIT) break;
      beforeId = page[page.length - 1]!.id;
    }
  }
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of rows) {
    lines.push(
      [
        record.id,
        record.startedAt,
        record.finishedAt,
        record.actor,
        record.session,
        record.action,
        record.target,
        record.running ? 'running' : record.outcome,
        record.error,
        record.durationMs,
        JSON.stringify(record.params),
        record.count,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
