/** The env file itself: whether it was read, and its shape (malformed lines, duplicates, quotes). */
import { text } from '@/lib/i18n/text';

import { where, type DoctorCheck, type DoctorContext } from '../check';
import type { EnvFileLayout, Finding } from '../types';
import { andList } from '../words';

function envShapeChecks(ctx: DoctorContext, layout: EnvFileLayout | undefined): Finding[] {
  const findings: Finding[] = [];
  if (layout && layout.malformedLines.length > 0) {
    const count = layout.malformedLines.length;
    findings.push({
      id: 'env-malformed',
      severity: 'warning',
      title: text('doctor.env.malformed.title', { count, envFile: ctx.envName }),
      why: text(count === 1 ? 'doctor.env.malformed.whyOne' : 'doctor.env.malformed.whyMany', {
        lines: andList(layout.malformedLines.map(String)),
      }),
      fix: text('doctor.env.malformed.fix'),
    });
  }
  for (const duplicate of layout?.duplicates ?? []) {
    findings.push({
      id: 'env-duplicate',
      severity: 'warning',
      key: duplicate.key,
      title: text('doctor.env.duplicate.title', { key: duplicate.key, count: duplicate.lines.length }),
      why: text('doctor.env.duplicate.why', { lines: andList(duplicate.lines.map(String)), envFile: ctx.envName }),
      fix: text('doctor.env.duplicate.fix'),
    });
  }
  if (layout && layout.quotedKeys.length > 0) {
    const keys = layout.quotedKeys;
    findings.push({
      id: 'env-quoted',
      severity: 'warning',
      title: text('doctor.env.quoted.title', { count: keys.length, envFile: ctx.envName }),
      why: text('doctor.env.quoted.why', { keys: andList(keys) }),
      fix: text('doctor.env.quoted.fix'),
    });
  }
  for (const [key, value] of ctx.env) {
    const wrapped = /^(["'])[^]*\1$/.test(value) && value.length >= 2;
    if (wrapped || /^["']/.test(value)) {
      findings.push({
        id: 'env-value-quoted',
        severity: 'warning',
        key,
        title: text('doctor.env.valueQuoted.title', { key }),
        why: wrapped
          ? text('doctor.env.valueQuoted.whyWrapped', { where: where(ctx, key) })
          : text('doctor.env.valueQuoted.whyOpen', { where: where(ctx, key) }),
        fix: text('doctor.env.valueQuoted.fix'),
      });
    }
  }
  return findings;
}

export const envFileCheck: DoctorCheck = {
  name: 'env-file',
  run: (ctx) =>
    ctx.envRead
      ? envShapeChecks(ctx, ctx.input.envLayout)
      : [
          {
            id: 'env-missing',
            severity: 'error',
            title: text('doctor.env.missing.title', { envFile: ctx.envName }),
            why: text('doctor.env.missing.why', {
              problem: ctx.input.envProblem ?? text('doctor.env.missing.isMissing', { envFile: ctx.envName }),
            }),
            fix: text('doctor.env.missing.fix'),
          },
        ],
};
