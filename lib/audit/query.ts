import { z } from 'zod';

import { decodeText, encodeText, text, type Text } from '../i18n/text';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from './actions';
import type { AuditFilter } from './records';

/** One query value: absent or blank means "any"; given twice is a mistake rather than a silent pick. */
function queryValue(name: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, context) => {
      const given = (value === undefined ? [] : Array.isArray(value) ? value : [value])
        .map((v) => v.trim())
        .filter(Boolean);
      if (given.length > 1) {
        context.addIssue({ code: 'custom', message: encodeText(text('audit.query.once', { name })) });
        return z.NEVER;
      }
      return given[0];
    });
}

const shown = (input: unknown) => JSON.stringify(String(input).slice(0, 60));

/** The page's and the export's URL query (?action=&outcome=&beforeId=). */
export const auditQuerySchema = z.object({
  action: queryValue('action').pipe(
    z
      .enum(AUDIT_ACTIONS, {
        error: (issue) => encodeText(text('audit.query.unknownAction', { value: shown(issue.input) })),
      })
      .optional(),
  ),
  outcome: queryValue('outcome').pipe(
    z
      .enum(AUDIT_OUTCOMES, {
        error: (issue) => encodeText(text('audit.query.unknownOutcome', { value: shown(issue.input) })),
      })
      .optional(),
  ),
  beforeId: queryValue('beforeId').pipe(
    z
      .string()
      .regex(/^[1-9][0-9]{0,14}$/, encodeText(text('audit.query.beforeId')))
      .transform(Number)
      .optional(),
  ),
});

/** A refused query's problems are Texts, rendered where they are shown (the page, the export's answer). */
export type AuditQueryResult = { ok: true; filter: AuditFilter } | { ok: false; problems: (Text | string)[] };

/** Validates the URL query of the audit page and export; unknown values become readable problems, not crashes. */
export function parseAuditQuery(
  query: Record<string, string | string[] | undefined> | URLSearchParams,
): AuditQueryResult {
  const raw =
    query instanceof URLSearchParams
      ? Object.fromEntries([...new Set(query.keys())].map((key) => [key, query.getAll(key)]))
      : query;
  const parsed = auditQuerySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => decodeText(issue.message)) };
  const filter: AuditFilter = {};
  if (parsed.data.action !== undefined) filter.action = parsed.data.action;
  if (parsed.data.outcome !== undefined) filter.outcome = parsed.data.outcome;
  if (parsed.data.beforeId !== undefined) filter.beforeId = parsed.data.beforeId;
  return { ok: true, filter };
}
