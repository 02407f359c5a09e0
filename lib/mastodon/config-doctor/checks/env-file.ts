/** The env file itself: whether it was read, and its shape (malformed lines, duplicates, quotes). */
import { where, type DoctorCheck, type DoctorContext } from '../check';
import type { EnvFileLayout, Finding } from '../types';
import { list, plural } from '../words';

function envShapeChecks(ctx: DoctorContext, layout: EnvFileLayout | undefined): Finding[] {
  const findings: Finding[] = [];
  if (layout && layout.malformedLines.length > 0) {
    findings.push({
      id: 'env-malformed',
      severity: 'warning',
      title:
        `${plural(layout.malformedLines.length, 'line')} of ${ctx.envName} ` +
        `${layout.malformedLines.length === 1 ? 'is' : 'are'} ` +
        `not KEY=value`,
      why:
        `Line${layout.malformedLines.length === 1 ? '' : 's'} ${list(layout.malformedLines.map(String))}: ` +
        `neither a comment nor an assignment. Compose refuses or skips such lines, so what was meant there does ` +
        `not reach Mastodon.`,
      fix: 'Comment them out with # or write them as KEY=value.',
    });
  }
  for (const duplicate of layout?.duplicates ?? []) {
    findings.push({
      id: 'env-duplicate',
      severity: 'warning',
      key: duplicate.key,
      title: `${duplicate.key} is set ${duplicate.lines.length} times`,
      why:
        `On lines ${list(duplicate.lines.map(String))} of ${ctx.envName}; Compose uses the last one, so an edit ` +
        `to an earlier line has no effect.`,
      fix: 'Keep one line for it.',
    });
  }
  if (layout && layout.quotedKeys.length > 0) {
    const keys = layout.quotedKeys;
    findings.push({
      id: 'env-quoted',
      severity: 'warning',
      title: `${plural(keys.length, 'value')} in ${ctx.envName} ${keys.length === 1 ? 'is' : 'are'} wrapped in quotes`,
      why:
        `${list(keys)}. Mastodon's sample file warns that docker compose takes values verbatim, quotes included ` +
        `(mastodon/mastodon#16895): docker-compose v1 and "docker run --env-file" pass the quotes on as part of ` +
        `the value. Docker Compose v2 removes one matching pair, so the quotes are harmless only as long as ` +
        `this file is read by Compose v2.`,
      fix:
        'Remove the surrounding quotes. A value that contains " #" must then be changed or kept quoted, because ' +
        'Compose reads an unquoted " #" as the start of a comment.',
    });
  }
  for (const [key, value] of ctx.env) {
    const wrapped = /^(["'])[^]*\1$/.test(value) && value.length >= 2;
    if (wrapped || /^["']/.test(value)) {
      findings.push({
        id: 'env-value-quoted',
        severity: 'warning',
        key,
        title: `${key} reaches Mastodon with quote characters in it`,
        why: wrapped
          ? `Even after Compose has removed one pair of quotes from ${where(ctx, key)}, the value is still ` +
            `wrapped in quotes (a doubled pair), so the quotes become part of what Mastodon uses.`
          : `The value in ${where(ctx, key)} opens a quote that never closes, so the quote character becomes ` +
            `part of what Mastodon uses.`,
        fix: 'Write the value with at most one pair of surrounding quotes, or none.',
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
            title: `${ctx.envName} could not be read`,
            why:
              `${ctx.input.envProblem ?? `${ctx.envName} is missing`}. Every container of the official setup ` +
              `reads its settings from it.`,
            fix:
              `Create it with the setup wizard (docker compose run --rm web bundle exec rake mastodon:setup), ` +
              `or give Mastodash read access to it.`,
          },
        ],
};
