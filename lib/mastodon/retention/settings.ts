import 'server-only';

import { parseYamlScalar } from '../settings-yaml';
import { RETENTION_FACTS, RETENTION_VARS, type RetentionSetting, type RetentionVar } from './facts';

/** What the stored rows mean, as ContentRetentionPolicy reads them (facts.ts cites the releases). */

function describeIgnored(raw: string): string {
  const parsed = parseYamlScalar(raw);
  if (!parsed.ok) return `not readable as YAML (${parsed.problem})`;
  if (parsed.tag === 'null') return 'empty (nil)';
  if (parsed.tag === 'str')
    return parsed.value === ''
      ? 'empty (what Mastodon’s form stores when the field is cleared)'
      : `the text ${JSON.stringify(parsed.value)}, not a number`;
  if (parsed.tag === 'int') return `${parsed.value}, not a positive number`;
  return `${String(parsed.value)}, not a whole number`;
}

/** What one row (or its absence) means, as ContentRetentionPolicy reads it. */
export function interpretRetention(name: RetentionVar, raw: string | undefined): RetentionSetting {
  if (raw === undefined) {
    const { defaultDays } = RETENTION_FACTS[name];
    return { name, source: 'default', ...(defaultDays === undefined ? {} : { days: defaultDays }) };
  }
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'int' && parsed.value > 0) return { name, source: 'stored', raw, days: parsed.value };
  return { name, source: 'stored', raw, ignored: describeIgnored(raw) };
}

export function interpretRetentionRows(rows: Partial<Record<RetentionVar, string>>): RetentionSetting[] {
  return RETENTION_VARS.map((name) => interpretRetention(name, rows[name]));
}
