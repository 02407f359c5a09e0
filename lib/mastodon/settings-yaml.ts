import 'server-only';

import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type ErrorCode } from 'yaml';

/**
 * The YAML documents Mastodon keeps in `settings.value` (mastodon/mastodon v4.3.0 app/models/setting.rb:
 * `value=` writes `to_yaml`): Ruby's `to_yaml` of one scalar, read back by Psych. The `yaml` package reads
 * the syntax as YAML 1.1 (quoting, escapes, folding, block scalars, comments, the `...` end marker) with
 * the failsafe schema, so every scalar comes back as its text; plain scalars are then resolved by
 * `resolvePlain`, because Psych's ScalarScanner is not the YAML 1.1 type repository the package implements:
 * it reads `y`/`n` as strings, booleans in any case (`tRUe`), `:name` as a Symbol and dates as timestamps.
 * Anything but one scalar (mappings, sequences, tags, aliases) is reported as not a scalar, never guessed at.
 */

export type YamlTag = 'str' | 'bool' | 'int' | 'float' | 'null' | 'symbol' | 'timestamp';

export type YamlScalar =
  | { tag: 'str'; value: string }
  | { tag: 'bool'; value: boolean }
  | { tag: 'int' | 'float'; value: number }
  | { tag: 'null'; value: null }
  /** `:name`: a Ruby Symbol, which never equals the String Mastodon compares with. */
  | { tag: 'symbol'; value: string }
  /** A date or time, which YAML.safe_load refuses (Date and Time are not permitted classes). */
  | { tag: 'timestamp'; value: string };

export type YamlParseResult = ({ ok: true } & YamlScalar) | { ok: false; problem: string };

const fail = (problem: string): YamlParseResult => ({ ok: false, problem });

const INT_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const INT_OTHER = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$/;
const TIMESTAMP =
  /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}(?::?\d\d)?))?)?$/;

/** Psych's resolution of a plain scalar (ScalarScanner#tokenize, YAML 1.1 flavoured). */
export function resolvePlain(text: string): YamlScalar {
  if (text === '' || text === '~' || /^null$/i.test(text)) return { tag: 'null', value: null };
  if (/^(?:yes|true|on)$/i.test(text)) return { tag: 'bool', value: true };
  if (/^(?:no|false|off)$/i.test(text)) return { tag: 'bool', value: false };
  if (/^\+?\.inf$/i.test(text)) return { tag: 'float', value: Number.POSITIVE_INFINITY };
  if (/^-\.inf$/i.test(text)) return { tag: 'float', value: Number.NEGATIVE_INFINITY };
  if (/^\.nan$/i.test(text)) return { tag: 'float', value: Number.NaN };
  if (TIMESTAMP.test(text)) return { tag: 'timestamp', value: text };
  if (/^:./.test(text)) {
    const quoted = /^:(["'])(.*)\1$/.exec(text);
    return { tag: 'symbol', value: quoted ? (quoted[2] as string) : text.slice(1) };
  }
  if (INT_DECIMAL.test(text) && /\d/.test(text)) return { tag: 'int', value: Number(text.replace(/_/g, '')) };
  if (INT_OTHER.test(text) && /[0-9a-fA-F]/.test(text.replace(/^[-+]?0[box]?/, ''))) {
    const sign = text.startsWith('-') ? -1 : 1;
    const bare = text.replace(/^[-+]/, '').replace(/_/g, '');
    const value = bare.startsWith('0b')
      ? Number.parseInt(bare.slice(2), 2)
      : bare.startsWith('0x')
        ? Number.parseInt(bare.slice(2), 16)
        : Number.parseInt(bare.replace(/^0o?/, '') || '0', 8);
    return { tag: 'int', value: sign * value };
  }
  if (FLOAT.test(text) && /\d/.test(text)) return { tag: 'float', value: Number(text.replace(/_/g, '')) };
  return { tag: 'str', value: text };
}

/** What the package's syntax errors mean for a settings value; the package's own messages quote the text. */
const SYNTAX_PROBLEMS: Partial<Record<ErrorCode, string>> = {
  BAD_DQ_ESCAPE: 'an unknown escape (or a short \\x, \\u or \\U) in a double-quoted string',
  BAD_DIRECTIVE: 'YAML directives are not supported',
  BAD_SCALAR_START: 'a plain scalar cannot start with @, ` or %',
  MULTIPLE_DOCS: 'more than one YAML document',
};

/**
 * Reads a settings value: `--- open\n`, `--- 'true'\n`, `--- true` (no newline), `--- foo\n...\n`,
 * quoted strings with escapes, block and folded scalars. Never throws.
 */
export function parseYamlScalar(document: string): YamlParseResult {
  const documents = parseAllDocuments(document, { version: '1.1', schema: 'failsafe', prettyErrors: false });
  if (!Array.isArray(documents) || documents.length === 0) return { ok: true, tag: 'null', value: null };
  if (documents.length > 1) return fail('more than one YAML document');
  const [parsed] = documents;
  const node = parsed?.contents;
  if (node?.tag !== undefined) return fail('a tagged value, which this reader does not follow');
  if (isAlias(node)) return fail('an alias, which this reader does not follow');
  if (isMap(node)) return fail(node.flow ? 'a flow collection, not a scalar' : 'a mapping, not a scalar');
  if (isSeq(node)) return fail(node.flow ? 'a flow collection, not a scalar' : 'a sequence, not a scalar');
  const [error] = parsed?.errors ?? [];
  if (error) {
    if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) return fail('a quoted string is not closed');
    if (error.code === 'UNEXPECTED_TOKEN' && isScalar(node)) {
      if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)
        return fail('a block scalar line is less indented than the first');
      if (node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE)
        return fail('text follows a quoted string');
    }
    return fail(SYNTAX_PROBLEMS[error.code] ?? 'not a YAML scalar Psych writes');
  }
  if (!isScalar(node)) return { ok: true, tag: 'null', value: null };
  const text = String(node.value);
  return node.type === Scalar.PLAIN ? { ok: true, ...resolvePlain(text) } : { ok: true, tag: 'str', value: text };
}

/**
 * Writes a scalar as Rails does (`value.to_yaml`): `--- <scalar>\n`. Strings are left plain only when
 * YAML would read them back as the same string; otherwise single-quoted, or double-quoted with
 * escapes when they hold line breaks or control characters. Written by hand because the `yaml`
 * package's stringify cannot give Psych's bytes: it puts the scalar on the line after `---` (`---\nopen\n`),
 * double-quotes where Psych single-quotes (`"true"`), and writes nil as `null` where Psych writes `--- \n`.
 */
export function writeYamlScalar(value: string | boolean | number | null): string {
  if (value === null) return '--- \n';
  if (typeof value === 'boolean') return `--- ${value}\n`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `--- ${Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'}\n`;
    return `--- ${String(value)}\n`;
  }
  return `--- ${quoteIfNeeded(value)}\n`;
}

function quoteIfNeeded(text: string): string {
  const safePlain =
    /^[A-Za-z0-9_./()][A-Za-z0-9_./()+=,;$~-]*(?: [A-Za-z0-9_./()+=,;$~-]+)*$/.test(text) &&
    !/^(?:---|\.\.\.)/.test(text) &&
    // y and n are booleans in YAML 1.1 parsers other than Psych; Psych quotes them as well.
    !/^(?:y|n)$/i.test(text);
  if (safePlain) {
    const resolved = resolvePlain(text);
    if (resolved.tag === 'str' && resolved.value === text) return text;
  }
  // Printable one-line text: single quotes, where only ' needs escaping.
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(text)) return `'${text.replace(/'/g, "''")}'`;
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}
