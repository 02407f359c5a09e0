/**
 * Parses an env file the way Docker Compose v2 reads `env_file:` (compose-spec/compose-go dotenv/parser.go;
 * docs.docker.com "Syntax for environment files"): `#` comment lines, optional `export `, unquoted values
 * trimmed with ` #` starting an inline comment, single quotes literal, double quotes with `\n \r \t \\ \"`
 * escapes. A quoted value ends at the first unescaped closing quote and may span lines; a quote that never
 * closes makes Compose refuse the file. Compose interpolates `${VAR}` in unquoted and double-quoted values;
 * Mastodon's `.env.production` does not rely on that, so `$` is kept as is.
 */
export interface EnvFileLine {
  key: string;
  value: string;
}

export interface ParsedEnvFile {
  values: Map<string, string>;
  /** Line numbers (1-based) that are neither blank, comments nor KEY=value: reported, never fatal. */
  malformedLines: number[];
  /** Where a quoted value opens and never closes (Compose's "unterminated quoted value"); reading stopped there. */
  unterminatedQuote?: { line: number; key: string };
}

const KEY_PATTERN = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

function unquoteDouble(body: string): string {
  return body.replace(/\\(.)/g, (whole, char: string) => DOUBLE_QUOTE_ESCAPES[char] ?? whole);
}

/** The closing quote: the first one after the opening that no backslash escapes. */
function closingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === quote && text[i - 1] !== '\\') return i;
  }
  return -1;
}

function unquote(body: string, quote: string): string {
  return quote === '"' ? unquoteDouble(body) : body.replace(/\\'/g, "'");
}

function unquotedValue(raw: string): string {
  const comment = raw.search(/\s#/);
  return (comment === -1 ? raw : raw.slice(0, comment)).trim();
}

export function parseEnvFile(text: string): ParsedEnvFile {
  const values = new Map<string, string>();
  const malformedLines: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const trimmed = (lines[index] ?? '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = KEY_PATTERN.exec(trimmed);
    const key = match?.[1];
    if (!key) {
      malformedLines.push(index + 1);
      continue;
    }
    const raw = match[2] ?? '';
    const quote = raw[0];
    if (quote !== '"' && quote !== "'") {
      values.set(key, unquotedValue(raw));
      continue;
    }
    // A quoted value may run over the following lines; anything after its closing quote is a comment.
    const line = lines[index] ?? '';
    // Trailing spaces belong to a value that goes on to the next line, so the untrimmed line is used.
    let body = line.slice(line.indexOf('=') + 1).trimStart();
    let end = closingQuote(body, quote);
    const opening = index;
    while (end === -1 && index + 1 < lines.length) {
      index++;
      body += `\n${lines[index]}`;
      end = closingQuote(body, quote);
    }
    if (end === -1) return { values, malformedLines, unterminatedQuote: { line: opening + 1, key } };
    values.set(key, unquote(body.slice(1, end), quote));
  }
  return { values, malformedLines };
}
