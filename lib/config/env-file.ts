/**
 * Parses an env file the way Docker Compose v2 reads `env_file:` (docs: "Syntax for environment files"):
 * `#` comment lines, optional `export `, unquoted values trimmed with ` #` starting an inline comment,
 * single quotes literal, double quotes with `\n \r \t \\ \"` escapes. Compose interpolates `${VAR}` in
 * unquoted and double-quoted values; Mastodon's `.env.production` does not rely on that, so `$` is kept as is.
 */
export interface EnvFileLine {
  key: string;
  value: string;
}

export interface ParsedEnvFile {
  values: Map<string, string>;
  /** Line numbers (1-based) that are neither blank, comments nor KEY=value: reported, never fatal. */
  malformedLines: number[];
}

const KEY_PATTERN = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

function unquoteDouble(body: string): string {
  return body.replace(/\\(.)/g, (whole, char: string) => DOUBLE_QUOTE_ESCAPES[char] ?? whole);
}

function parseValue(raw: string): string {
  const first = raw[0];
  if (first === '"' || first === "'") {
    // The closing quote is the last unescaped one; anything after it may only be a comment.
    for (let i = raw.length - 1; i > 0; i--) {
      if (raw[i] === first && raw[i - 1] !== '\\') {
        const body = raw.slice(1, i);
        return first === '"' ? unquoteDouble(body) : body.replace(/\\'/g, "'");
      }
    }
    // An unterminated quote is kept verbatim, as compose does for a lone quote character.
    return raw;
  }
  const comment = raw.search(/\s#/);
  return (comment === -1 ? raw : raw.slice(0, comment)).trim();
}

export function parseEnvFile(text: string): ParsedEnvFile {
  const values = new Map<string, string>();
  const malformedLines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = KEY_PATTERN.exec(trimmed);
    if (!match?.[1]) {
      malformedLines.push(index + 1);
      return;
    }
    values.set(match[1], parseValue(match[2] ?? ''));
  });
  return { values, malformedLines };
}
