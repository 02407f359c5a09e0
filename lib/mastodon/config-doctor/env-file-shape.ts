/** Reading the env file's shape (not its values): quoting, duplicates, malformed lines. */
import { parseEnvFile } from '../../config/env-file';
import type { EnvFileLayout } from './types';

/** The values as Compose v2 passes them, plus the shape of the file: quoting, duplicates, malformed lines. */
export function describeEnvFile(text: string): { values: Map<string, string>; layout: EnvFileLayout } {
  const { values, malformedLines } = parseEnvFile(text);
  const lines = new Map<string, number[]>();
  const quoted = new Map<string, boolean>();
  text.split(/\r?\n/).forEach((line, index) => {
    const [entry] = parseEnvFile(line).values;
    if (!entry) return;
    const [key, value] = entry;
    lines.set(key, [...(lines.get(key) ?? []), index + 1]);
    const raw = line.slice(line.indexOf('=') + 1).trim();
    quoted.set(key, (raw.startsWith('"') || raw.startsWith("'")) && value !== raw);
  });
  return {
    values,
    layout: {
      quotedKeys: [...quoted].filter(([, isQuoted]) => isQuoted).map(([key]) => key),
      duplicates: [...lines].filter(([, at]) => at.length > 1).map(([key, at]) => ({ key, lines: at })),
      malformedLines,
    },
  };
}
