import 'server-only';

import { bootId, store } from '../store';
import { toView, unavailable, type AuditFilter, type AuditRecordView, type AuditRow } from './records';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

export function select(filter: AuditFilter, limit: number): AuditRow[] {
  const where: string[] = [];
  const values: (string | number)[] = [];
  if (filter.action !== undefined) {
    where.push('action = ?');
    values.push(filter.action);
  }
  if (filter.outcome !== undefined) {
    where.push('outcome = ?');
    values.push(filter.outcome);
  }
  if (filter.beforeId !== undefined) {
    where.push('id < ?');
    values.push(filter.beforeId);
  }
  const text = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  try {
    return store()
      .prepare<(string | number)[], AuditRow>(text)
      .all(...values, limit);
  } catch (error) {
    throw unavailable('read', error);
  }
}

/** Records newest first (by id). `limit` defaults to 100, at most 500; `beforeId` pages to older records. */
export function listAudit(filter: AuditFilter): AuditRecordView[] {
  const current = bootId();
  return select(filter, clampLimit(filter.limit)).map((row) => toView(row, current));
}
