import 'server-only';

import { YAML_DOUBLE_QUOTE_ESCAPES, YAML_HEX_ESCAPE_LENGTH } from './yaml-escapes';

/**
 * The YAML documents Mastodon keeps in `settings.value` (shared/reference/mastodon.md §1.2): Ruby's
 * `to_yaml` of one scalar, read back by Psych. No YAML library is installed, so this reads the scalar
 * forms Psych writes (plain, quoted, block, folded over lines, with or without the `...` end marker)
 * and resolves plain scalars as Psych's ScalarScanner does (YAML 1.1 booleans, nil, numbers, symbols).
 * Anything else (mappings, sequences, tags, anchors) is reported as not a scalar, never guessed at.
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

function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** Folds the lines of a multi-line flow scalar: one break becomes a space, n empty lines n breaks. */
function foldLines(lines: string[]): string {
  if (lines.length === 1) return lines[0] as string;
  let out = '';
  let pendingBreaks = 0;
  lines.forEach((line, index) => {
    const text = index === 0 ? line.replace(/[ \t]+$/, '') : index === lines.length - 1 ? line.replace(/^[ \t]+/, '') : line.trim();
    if (index > 0 && text === '' && index < lines.length - 1) {
      pendingBreaks += 1;
      return;
    }
    if (index > 0) out += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
    pendingBreaks = 0;
    out += text;
  });
  return out;
}

function singleQuoted(body: string): YamlParseResult {
  // body starts after the opening quote; find the closing one ('' is an escaped quote).
  let index = 0;
  while (index < body.length) {
    if (body[index] === "'") {
      if (body[index + 1] === "'") {
        index += 2;
        continue;
      }
      break;
    }
    index += 1;
  }
  if (index >= body.length) return fail('a single-quoted string is not closed');
  const rest = body.slice(index + 1);
  if (!/^\s*(#.*)?$/.test(rest)) return fail('text follows a quoted string');
  const folded = foldLines(body.slice(0, index).split('\n'));
  return { ok: true, tag: 'str', value: folded.replace(/''/g, "'") };
}


function doubleQuoted(body: string): YamlParseResult {
  let out = '';
  let index = 0;
  // Whitespace before a line break is dropped when folding; remember where the literal run began.
  let foldable = 0;
  for (;;) {
    if (index >= body.length) return fail('a double-quoted string is not closed');
    const char = body[index] as string;
    if (char === '"') break;
    if (char === '\\') {
      const next = body[index + 1];
      if (next === undefined) return fail('a double-quoted string is not closed');
      if (next === '\n') {
        // Escaped line break: joins the lines with nothing between them.
        index += 2;
        while (body[index] === ' ' || body[index] === '\t') index += 1;
        foldable = out.length;
        continue;
      }
      const hexLength = YAML_HEX_ESCAPE_LENGTH[next] ?? 0;
      if (hexLength > 0) {
        const hex = body.slice(index + 2, index + 2 + hexLength);
        if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return fail(`a bad \\${next} escape in a double-quoted string`);
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) return fail(`a bad \\${next} escape in a double-quoted string`);
        out += String.fromCodePoint(code);
        index += 2 + hexLength;
      } else {
        const escaped = YAML_DOUBLE_QUOTE_ESCAPES[next];
        if (escaped === undefined) return fail(`an unknown escape \\${next} in a double-quoted string`);
        out += escaped;
        index += 2;
      }
      foldable = out.length;
      continue;
    }
    if (char === '\n') {
      out = out.slice(0, foldable) + out.slice(foldable).replace(/[ \t]+$/, '');
      let breaks = 0;
      index += 1;
      for (;;) {
        while (body[index] === ' ' || body[index] === '\t') index += 1;
        if (body[index] !== '\n') break;
        breaks += 1;
        index += 1;
      }
      out += breaks > 0 ? '\n'.repeat(breaks) : ' ';
      foldable = out.length;
      continue;
    }
    out += char;
    index += 1;
  }
  if (!/^\s*(#.*)?$/.test(body.slice(index + 1))) return fail('text follows a quoted string');
  return { ok: true, tag: 'str', value: out };
}

function blockScalar(header: string, lines: string[]): YamlParseResult {
  const match = /^([|>])([+-]?)([1-9]?)([+-]?)[ \t]*(#.*)?$/.exec(header);
  if (!match || (match[2] && match[4])) return fail(`a bad block scalar header ${JSON.stringify(header)}`);
  const folded = match[1] === '>';
  const chomping = match[2] || match[4];
  let indent = match[3] ? Number(match[3]) : undefined;
  if (indent === undefined) {
    const first = lines.find((line) => !isBlank(line));
    indent = first === undefined ? 0 : (/^ */.exec(first)?.[0].length ?? 0);
  }
  const content: string[] = [];
  for (const line of lines) {
    if (isBlank(line)) {
      content.push(line.slice(indent));
      continue;
    }
    if (!line.startsWith(' '.repeat(indent))) return fail('a block scalar line is less indented than the first');
    content.push(line.slice(indent));
  }
  let trailing = 0;
  while (content.length > 0 && (content.at(-1) as string).trim() === '') {
    content.pop();
    trailing += 1;
  }
  let text: string;
  if (folded) {
    text = '';
    content.forEach((line, index) => {
      if (index === 0) {
        text = line;
        return;
      }
      const previous = content[index - 1] as string;
      const moreIndented = (candidate: string) => /^[ \t]/.test(candidate);
      // Each empty line stands for one break; breaks next to more-indented lines are kept as they are.
      if (line === '') text += '\n';
      else if (previous === '') text += moreIndented(line) ? '\n' : '';
      else text += moreIndented(line) || moreIndented(previous) ? '\n' : ' ';
      text += line;
    });
  } else {
    text = content.join('\n');
  }
  if (content.length === 0) return { ok: true, tag: 'str', value: chomping === '+' ? '\n'.repeat(trailing) : '' };
  if (chomping === '-') return { ok: true, tag: 'str', value: text };
  if (chomping === '+') return { ok: true, tag: 'str', value: `${text}\n${'\n'.repeat(trailing)}` };
  return { ok: true, tag: 'str', value: `${text}\n` };
}

const INT_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const INT_OTHER = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}(?::?\d\d)?))?)?$/;

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

function plainScalar(lines: string[]): YamlParseResult {
  const withoutComments = lines.map((line) => line.replace(/(^|[ \t])#.*$/, '$1'));
  const text = foldLines(withoutComments).trim();
  const first = text.trimStart();
  if (/^[[{]/.test(first)) return fail('a flow collection, not a scalar');
  if (/^-(?:[ \t]|$)/.test(first) && text !== '-') return fail('a sequence, not a scalar');
  if (/^\?(?:[ \t]|$)/.test(first)) return fail('a mapping, not a scalar');
  if (/:(?:[ \t]|$)/m.test(withoutComments.join('\n'))) return fail('a mapping, not a scalar');
  if (/^[!&*]/.test(first)) return fail('a tagged value, anchor or alias, which this reader does not follow');
  if (/^[|>@`%]/.test(first)) return fail(`a plain scalar cannot start with ${first[0]}`);
  return { ok: true, ...resolvePlain(text) };
}

/**
 * Reads a settings value: `--- open\n`, `--- 'true'\n`, `--- true` (no newline), `--- foo\n...\n`,
 * quoted strings with escapes, block and folded scalars. Never throws.
 */
export function parseYamlScalar(document: string): YamlParseResult {
  let lines = document.replace(/\r\n?/g, '\n').replace(/^\ufeff/, '').split('\n');
  // Leading comments and directives (Psych writes none, but a hand-written row might have them).
  while (lines.length > 0 && (isBlank(lines[0] as string) || /^#/.test(lines[0] as string))) lines.shift();
  if (lines.length > 0 && /^%/.test(lines[0] as string)) return fail('YAML directives are not supported');
  // The line break ending the last line is not an empty line (it matters to |+ block scalars).
  if (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const end = lines.findIndex((line, index) => index > 0 && /^\.\.\.(?:[ \t]+(#.*)?)?$/.test(line));
  if (end >= 0) {
    if (lines.slice(end + 1).some((line) => !isBlank(line) && !/^#/.test(line))) return fail('more than one YAML document');
    lines = lines.slice(0, end);
  }
  if (lines.slice(1).some((line) => /^---(?:[ \t]|$)/.test(line))) return fail('more than one YAML document');
  if (lines.length === 0) return { ok: true, tag: 'null', value: null };
  const blockLines = lines.slice(1);
  while (lines.length > 0 && isBlank(lines.at(-1) as string)) lines.pop();
  if (lines.length === 0) return { ok: true, tag: 'null', value: null };

  const header = /^---(?:[ \t]+(.*)|)$/.exec(lines[0] as string);
  const firstText = header ? (header[1] ?? '') : (lines[0] as string);
  let rest = lines.slice(1);
  let head = firstText.trim();
  if (head === '' || head.startsWith('#')) {
    // The scalar starts on the next non-empty line.
    while (rest.length > 0 && (isBlank(rest[0] as string) || /^[ \t]*#/.test(rest[0] as string))) rest = rest.slice(1);
    if (rest.length === 0) return { ok: true, tag: 'null', value: null };
    head = (rest[0] as string).trim();
    rest = rest.slice(1);
  }
  if (head.startsWith("'")) return singleQuoted([head.slice(1), ...rest].join('\n'));
  if (head.startsWith('"')) return doubleQuoted([head.slice(1), ...rest].join('\n'));
  if (head.startsWith('|') || head.startsWith('>')) return header && firstText.trim() !== '' ? blockScalar(head, blockLines) : blockScalar(head, rest);
  return plainScalar([head, ...rest]);
}

/**
 * Writes a scalar as Rails does (`value.to_yaml`): `--- <scalar>\n`. Strings are left plain only when
 * YAML would read them back as the same string; otherwise single-quoted, or double-quoted with
 * escapes when they hold line breaks or control characters.
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
