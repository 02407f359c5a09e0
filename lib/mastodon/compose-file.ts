import { YAML_DOUBLE_QUOTE_ESCAPES, YAML_HEX_ESCAPE_LENGTH } from './yaml-escapes';

/**
 * A strict reader for the YAML that docker-compose files use, and a typed view of the parts the config
 * doctor checks (mastodon.md §3). No YAML dependency: the subset is block mappings and sequences, flow
 * collections (`['CMD', 'pg_isready']`, `{}`), plain, single- and double-quoted scalars with YAML's
 * escapes, `|`/`>` block scalars, comments, anchors, aliases and `<<` merge keys. What it does not
 * understand (tags, complex keys, several documents, multi-line quoted scalars) is refused with the
 * line number, never guessed. Error messages name lines and fields but never quote the file's text:
 * a compose file's `environment:` can hold secrets.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | YamlMapping;
export type YamlMapping = Map<string, YamlValue>;

export class ComposeFileError extends Error {
  constructor(
    readonly reason: string,
    readonly line?: number,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
    this.name = 'ComposeFileError';
  }
}

interface SignificantLine {
  index: number;
  indent: number;
  content: string;
}

/** Thrown inside a flow collection that is not closed yet: the reader appends the next line and retries. */
const INCOMPLETE = Symbol('incomplete flow collection');


/** Reads a quoted scalar starting at `start`; undefined when it does not close before the end of `text` or a newline. */
function readQuoted(text: string, start: number, line: number): { value: string; end: number } | undefined {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\n') return undefined;
    if (quote === "'") {
      if (char === "'") {
        if (text[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        return { value, end: i + 1 };
      }
      value += char;
      i += 1;
      continue;
    }
    if (char === '"') return { value, end: i + 1 };
    if (char !== '\\') {
      value += char;
      i += 1;
      continue;
    }
    const escape = text[i + 1];
    if (escape === undefined) return undefined;
    const hexLength = YAML_HEX_ESCAPE_LENGTH[escape];
    if (hexLength !== undefined) {
      const hex = text.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) throw new ComposeFileError(`invalid \\${escape} escape in a double-quoted value`, line);
      value += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + hexLength;
      continue;
    }
    const replacement = YAML_DOUBLE_QUOTE_ESCAPES[escape];
    if (replacement === undefined) throw new ComposeFileError('unknown escape sequence in a double-quoted value (a backslash must be doubled)', line);
    value += replacement;
    i += 2;
  }
  return undefined;
}

/** YAML 1.2 core schema, as compose-go's decoder resolves untagged plain scalars. */
export function resolvePlainScalar(text: string): string | number | boolean | null {
  if (text === '' || text === '~' || /^(null|Null|NULL)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

const ANCHOR_NAME = /^[^\s,[\]{}]+/;

class FlowParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly firstLine: number,
    private readonly anchors: Map<string, YamlValue>,
  ) {}

  get rest(): string {
    return this.text.slice(this.pos);
  }

  private line(): number {
    let newlines = 0;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text[i] === '\n') newlines++;
    return this.firstLine + newlines;
  }

  private fail(reason: string): never {
    throw new ComposeFileError(reason, this.line());
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const char = this.text[this.pos]!;
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') this.pos++;
      else if (char === '#' && (this.pos === 0 || /\s/.test(this.text[this.pos - 1]!))) {
        const newline = this.text.indexOf('\n', this.pos);
        this.pos = newline === -1 ? this.text.length : newline;
      } else break;
    }
  }

  private peekChar(): string {
    this.skipSpace();
    if (this.pos >= this.text.length) throw INCOMPLETE;
    return this.text[this.pos]!;
  }

  parseNode(): YamlValue {
    const char = this.peekChar();
    if (char === '[') return this.parseSequence();
    if (char === '{') return this.parseMapping();
    if (char === '"' || char === "'") {
      const quoted = readQuoted(this.text, this.pos, this.line());
      if (!quoted) {
        if (this.text.indexOf('\n', this.pos) === -1) throw INCOMPLETE;
        this.fail('a quoted value inside [ ] or { } continues on the next line; keep it on one line');
      }
      this.pos = quoted.end;
      return quoted.value;
    }
    if (char === '*') {
      const name = ANCHOR_NAME.exec(this.text.slice(this.pos + 1))?.[0] ?? '';
      this.pos += 1 + name.length;
      if (!this.anchors.has(name)) this.fail('an alias (*name) refers to an anchor that is not defined above it');
      return this.anchors.get(name) ?? null;
    }
    if (char === '&') {
      const name = ANCHOR_NAME.exec(this.text.slice(this.pos + 1))?.[0] ?? '';
      if (!name) this.fail('an anchor (&) without a name');
      this.pos += 1 + name.length;
      const value = this.parseNode();
      this.anchors.set(name, value);
      return value;
    }
    if (char === '!') this.fail('YAML tags (!) are not supported');
    if (char === ']' || char === '}' || char === ',') this.fail(`unexpected "${char}"`);
    return this.parsePlain();
  }

  private parsePlain(): YamlValue {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos]!;
      if (char === ',' || char === '[' || char === ']' || char === '{' || char === '}' || char === '\n') break;
      if (char === ':' && /[\s,[\]{}]/.test(this.text[this.pos + 1] ?? ' ')) break;
      if (char === '#' && /\s/.test(this.text[this.pos - 1] ?? '')) break;
      this.pos++;
    }
    return resolvePlainScalar(this.text.slice(start, this.pos).trim());
  }

  private parseSequence(): YamlValue[] {
    this.pos++;
    const items: YamlValue[] = [];
    for (;;) {
      if (this.peekChar() === ']') {
        this.pos++;
        return items;
      }
      items.push(this.parseNode());
      const next = this.peekChar();
      if (next === ':') this.fail('key: value pairs inside [ ] are not supported; use { } or a block mapping');
      if (next === ',') this.pos++;
      else if (next !== ']') this.fail('expected "," or "]" in a [ ] list');
    }
  }

  private parseMapping(): YamlMapping {
    this.pos++;
    const map: YamlMapping = new Map();
    for (;;) {
      if (this.peekChar() === '}') {
        this.pos++;
        return map;
      }
      const key = this.parseNode();
      if (key !== null && typeof key === 'object') this.fail('a key inside { } must be a plain or quoted word');
      const keyText = key === null ? '' : String(key);
      let value: YamlValue = null;
      if (this.peekChar() === ':') {
        this.pos++;
        const next = this.peekChar();
        value = next === ',' || next === '}' ? null : this.parseNode();
      }
      if (map.has(keyText)) this.fail('a key appears twice in the same { } mapping');
      map.set(keyText, value);
      const next = this.peekChar();
      if (next === ',') this.pos++;
      else if (next !== '}') this.fail('expected "," or "}" in a { } mapping');
    }
  }
}

class YamlReader {
  private readonly lines: string[];
  private index = 0;
  private readonly anchors = new Map<string, YamlValue>();

  constructor(text: string) {
    this.lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  }

  private fail(reason: string, index: number): never {
    throw new ComposeFileError(reason, index + 1);
  }

  /** The next line that is neither blank nor a comment, without consuming it. */
  private peek(): SignificantLine | undefined {
    for (let index = this.index; index < this.lines.length; index++) {
      const line = this.lines[index]!;
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const indent = line.length - line.trimStart().length;
      if (line.slice(0, indent).includes('\t')) this.fail('indentation uses a tab; YAML allows only spaces', index);
      return { index, indent, content: line.slice(indent).trimEnd() };
    }
    return undefined;
  }

  parseDocument(): YamlValue {
    let first = this.peek();
    if (first?.content.startsWith('%')) this.fail('YAML directives (%) are not supported', first.index);
    if (first && first.indent === 0 && /^---(\s|$)/.test(first.content)) {
      const after = first.content.slice(3).trim();
      if (after !== '' && !after.startsWith('#')) this.fail('content on the "---" line is not supported', first.index);
      this.index = first.index + 1;
      first = this.peek();
    }
    if (!first || (first.indent === 0 && /^\.\.\.(\s|$)/.test(first.content))) return null;
    const value = this.parseNode(first.indent);
    const rest = this.peek();
    if (rest) {
      if (rest.indent === 0 && /^---(\s|$)/.test(rest.content)) this.fail('a second YAML document ("---") is not supported', rest.index);
      if (rest.indent === 0 && /^\.\.\.(\s|$)/.test(rest.content)) return value;
      this.fail('unexpected indentation or a line that continues nothing above it', rest.index);
    }
    return value;
  }

  /** The block node whose first significant line is at `indent`. */
  private parseNode(indent: number): YamlValue {
    const next = this.peek()!;
    if (isSequenceItem(next.content)) return this.parseSequence(indent);
    if (splitKey(next.content, next.index + 1)) return this.parseMapping(indent);
    this.index = next.index + 1;
    return this.parseInlineValue(next.content, next.index, indent - 1);
  }

  private parseMapping(indent: number): YamlMapping {
    const map: YamlMapping = new Map();
    const merges: YamlMapping[] = [];
    for (let next = this.peek(); next && next.indent >= indent && !isDocumentMarker(next); next = this.peek()) {
      if (next.indent > indent) this.fail('unexpected indentation', next.index);
      if (isSequenceItem(next.content)) this.fail('a list item ("- ") where a "key:" was expected', next.index);
      const split = splitKey(next.content, next.index + 1);
      if (!split) this.fail('expected "key: value"', next.index);
      this.index = next.index + 1;
      const value = this.parseValueAfterKey(split.rest, next.index, indent);
      if (split.key === '<<' && !split.quoted) {
        const sources = Array.isArray(value) ? value : [value];
        for (const source of sources) {
          if (!(source instanceof Map)) this.fail('a merge key (<<) must refer to a mapping or a list of mappings', next.index);
          merges.push(source);
        }
        continue;
      }
      if (map.has(split.key)) this.fail('a key appears twice in the same mapping', next.index);
      map.set(split.key, value);
    }
    // Keys written out win over merged ones; among merged mappings, the first listed wins.
    for (const source of merges) {
      for (const [key, value] of source) if (!map.has(key)) map.set(key, value);
    }
    return map;
  }

  private parseSequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let next = this.peek(); next && next.indent >= indent && !isDocumentMarker(next); next = this.peek()) {
      if (next.indent > indent) this.fail('unexpected indentation', next.index);
      if (!isSequenceItem(next.content)) break;
      const after = next.content.slice(1);
      const text = after.trimStart();
      const column = indent + 1 + (after.length - text.length);
      if (text === '' || text.startsWith('#')) {
        this.index = next.index + 1;
        const nested = this.peek();
        items.push(nested && nested.indent > indent ? this.parseNode(nested.indent) : null);
      } else if (isSequenceItem(text) || splitKey(text, next.index + 1)) {
        // "- key: value" opens a mapping (or "- - x" a list) whose column is where the text starts:
        // the line is rewritten as if the dash were a space and read again at that column.
        this.lines[next.index] = ' '.repeat(column) + text;
        items.push(this.parseNode(column));
      } else if (text.startsWith('&')) {
        const name = ANCHOR_NAME.exec(text.slice(1))?.[0];
        if (!name) this.fail('an anchor (&) without a name', next.index);
        const rest = text.slice(1 + name.length).trim();
        if (rest !== '' && !rest.startsWith('#') && splitKey(rest, next.index + 1)) {
          this.fail('an anchor in front of a key in a list item is not supported; put the anchor on its own line', next.index);
        }
        this.index = next.index + 1;
        const value = this.parseValueAfterKey(rest, next.index, indent);
        this.anchors.set(name, value);
        items.push(value);
      } else {
        this.index = next.index + 1;
        items.push(this.parseInlineValue(text, next.index, indent));
      }
    }
    return items;
  }

  /** The value after "key:" (or after an anchor): inline, or a block on the following, deeper lines. */
  private parseValueAfterKey(rest: string, index: number, indent: number): YamlValue {
    let text = rest.trim();
    let anchor: string | undefined;
    if (text.startsWith('&')) {
      anchor = ANCHOR_NAME.exec(text.slice(1))?.[0];
      if (!anchor) this.fail('an anchor (&) without a name', index);
      text = text.slice(1 + anchor.length).trim();
    }
    let value: YamlValue;
    if (text === '' || text.startsWith('#')) {
      const next = this.peek();
      if (next && next.indent > indent) value = this.parseNode(next.indent);
      else if (next && next.indent === indent && isSequenceItem(next.content)) value = this.parseSequence(indent);
      else value = null;
    } else {
      value = this.parseInlineValue(text, index, indent);
    }
    if (anchor !== undefined) this.anchors.set(anchor, value);
    return value;
  }

  /** A value that starts on this line; `parentIndent` is the indentation its continuation lines must exceed. */
  private parseInlineValue(text: string, index: number, parentIndent: number): YamlValue {
    const first = text[0];
    const line = index + 1;
    if (first === '*') {
      const match = /^\*([^\s,[\]{}]+)\s*(#.*)?$/.exec(text);
      if (!match?.[1]) this.fail('an alias (*name) must stand alone', index);
      if (!this.anchors.has(match[1])) this.fail('an alias (*name) refers to an anchor that is not defined above it', index);
      return this.anchors.get(match[1]) ?? null;
    }
    if (first === '"' || first === "'") {
      const quoted = readQuoted(text, 0, line);
      if (!quoted) this.fail('a quoted value does not close on its line (multi-line quoted values are not supported)', index);
      const after = text.slice(quoted.end).trim();
      if (after !== '' && !after.startsWith('#')) this.fail('unexpected text after a quoted value', index);
      return quoted.value;
    }
    if (first === '[' || first === '{') return this.parseFlow(text, index);
    if (first === '|' || first === '>') return this.parseBlockScalar(text, index, parentIndent);
    if (first === '!') this.fail('YAML tags (!) are not supported', index);
    if (first === '?') this.fail('complex keys ("? ") are not supported', index);
    if (first === '@' || first === '`' || first === '%') this.fail('a plain value cannot start with @, ` or %; quote it', index);

    const comment = text.search(/\s#/);
    let value = (comment === -1 ? text : text.slice(0, comment)).trim();
    // A plain scalar may continue on deeper lines; YAML folds the line breaks into spaces.
    for (let next = this.peek(); comment === -1 && next && next.indent > parentIndent; next = this.peek()) {
      if (next.index !== this.index) break;
      if (/:(\s|$)/.test(next.content) || /\s#/.test(next.content)) this.fail('unexpected indentation (a value continues on a line that looks like a key)', next.index);
      value += ` ${next.content}`;
      this.index = next.index + 1;
    }
    return resolvePlainScalar(value);
  }

  private parseFlow(firstText: string, index: number): YamlValue {
    let text = firstText;
    for (;;) {
      const parser = new FlowParser(text, index + 1, this.anchors);
      try {
        const value = parser.parseNode();
        const rest = parser.rest.trim();
        if (rest !== '' && !rest.startsWith('#')) this.fail('unexpected text after a closing "]" or "}"', this.index - 1);
        return value;
      } catch (error) {
        if (error !== INCOMPLETE) throw error;
        if (this.index >= this.lines.length) this.fail('a "[" or "{" is never closed', index);
        text += `\n${this.lines[this.index]!}`;
        this.index++;
      }
    }
  }

  private parseBlockScalar(header: string, index: number, parentIndent: number): string {
    const match = /^([|>])([-+]?)([1-9]?)([-+]?)\s*(#.*)?$/.exec(header);
    if (!match || (match[2] && match[4])) this.fail('a block scalar header must be | or > with optional - / + and an indentation digit', index);
    const folded = match[1] === '>';
    const chomping = match[2] || match[4] || '';
    let contentIndent = match[3] ? Math.max(parentIndent, 0) + Number(match[3]) : undefined;
    const body: string[] = [];
    while (this.index < this.lines.length) {
      const line = this.lines[this.index]!;
      if (line.trim() === '') {
        body.push('');
        this.index++;
        continue;
      }
      const indent = line.length - line.trimStart().length;
      if (contentIndent === undefined) {
        if (indent <= parentIndent) break;
        contentIndent = indent;
      }
      if (indent < contentIndent) break;
      body.push(line.slice(contentIndent));
      this.index++;
    }
    let trailing = 0;
    while (body.length > 0 && body.at(-1) === '') {
      body.pop();
      trailing++;
    }
    let text = '';
    if (!folded) {
      text = body.join('\n');
    } else {
      let blanks = 0;
      body.forEach((line, i) => {
        if (line === '') {
          blanks++;
          return;
        }
        const previous = body[i - 1 - blanks];
        if (i === blanks) text = '\n'.repeat(blanks) + line;
        else if (blanks > 0) text += '\n'.repeat(blanks) + line;
        else if (line.startsWith(' ') || previous?.startsWith(' ')) text += `\n${line}`;
        else text += ` ${line}`;
        blanks = 0;
      });
    }
    if (body.length === 0) return chomping === '+' ? '\n'.repeat(trailing) : '';
    if (chomping === '-') return text;
    if (chomping === '+') return `${text}\n${'\n'.repeat(trailing)}`;
    return `${text}\n`;
  }
}

function isDocumentMarker(line: SignificantLine): boolean {
  return line.indent === 0 && /^(---|\.\.\.)(\s|$)/.test(line.content);
}

function isSequenceItem(content: string): boolean {
  return content === '-' || content.startsWith('- ') || content.startsWith('-\t');
}

/** "key: rest" when the line is a mapping entry; undefined when it is a value on its own. */
function splitKey(content: string, line: number): { key: string; rest: string; quoted: boolean } | undefined {
  const first = content[0];
  if (first === '"' || first === "'") {
    const quoted = readQuoted(content, 0, line);
    if (!quoted) return undefined;
    const after = content.slice(quoted.end).trimStart();
    if (after[0] !== ':' || (after.length > 1 && !/\s/.test(after[1]!))) return undefined;
    return { key: quoted.value, rest: after.slice(1), quoted: true };
  }
  if (first === undefined || '[{&*!|>#'.includes(first) || isSequenceItem(content)) return undefined;
  for (let i = 0; i < content.length; i++) {
    const char = content[i]!;
    if (char === '#' && i > 0 && /\s/.test(content[i - 1]!)) return undefined;
    if (char === ':' && (i + 1 === content.length || /\s/.test(content[i + 1]!))) {
      const key = content.slice(0, i).trimEnd();
      return key === '' ? undefined : { key, rest: content.slice(i + 1), quoted: false };
    }
  }
  return undefined;
}

/** Parses one YAML document of the subset described above. */
export function parseYaml(text: string): YamlValue {
  return new YamlReader(text).parseDocument();
}

// ---------------------------------------------------------------------------------------------
// The typed view of a compose file.

export interface ComposePort {
  /** The host address it is bound to; undefined when the file names none (Docker binds every interface). */
  hostIp?: string;
  /** Host port or range; undefined when Docker picks a random one. */
  published?: string;
  target: string;
  protocol: string;
}

export type HealthcheckTest = { kind: 'shell'; command: string } | { kind: 'exec'; argv: string[] } | { kind: 'none' };

export interface ComposeVolume {
  type: 'bind' | 'volume' | 'tmpfs' | 'other';
  source?: string;
  target: string;
}

export interface ComposeService {
  name: string;
  image?: string;
  build: boolean;
  command?: string | string[];
  healthcheck?: { test?: HealthcheckTest; disabled: boolean };
  ports: ComposePort[];
  /** Networks the service joins; ["default"] when it names neither networks nor network_mode, as Compose does. */
  networks: string[];
  /** `network_mode:` (host, none, service:…, container:…), when set. */
  networkMode?: string;
  envFiles: string[];
  /** `environment:` entries; undefined for a bare name, whose value comes from the shell running compose. */
  environment: Map<string, string | undefined>;
  volumes: ComposeVolume[];
}

export interface ComposeNetwork {
  name: string;
  internal: boolean;
  external: boolean;
}

export interface ComposeFile {
  /** The obsolete top-level `version:` (the older official files have '3'). */
  version?: string;
  services: ComposeService[];
  networks: ComposeNetwork[];
}

function scalarText(value: YamlValue, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ComposeFileError(`${path} must be a single value`);
}

function asMapping(value: YamlValue, path: string): YamlMapping {
  if (value instanceof Map) return value;
  throw new ComposeFileError(`${path} must be a mapping (key: value lines)`);
}

function asList(value: YamlValue, path: string): YamlValue[] {
  if (Array.isArray(value)) return value;
  throw new ComposeFileError(`${path} must be a list`);
}

/** `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, with an IPv6 host address in brackets. */
export function parseShortPort(spec: string, path = 'ports'): ComposePort {
  let rest = spec.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:');
    if (close === -1) throw new ComposeFileError(`${path}: an IPv6 host address in [ ] must be followed by ":"`);
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (parts.some((part) => part.includes('[') || part.includes(']'))) throw new ComposeFileError(`${path}: cannot read this port mapping`);
  if (hostIp !== undefined) {
    if (parts.length > 2) throw new ComposeFileError(`${path}: too many ":" in a port mapping`);
    const [published, target] = parts.length === 2 ? parts : [undefined, parts[0]];
    return { hostIp, published: published || undefined, target: target ?? '', protocol };
  }
  if (parts.length === 1) return { target: parts[0]!, protocol };
  if (parts.length === 2) return { published: parts[0] || undefined, target: parts[1]!, protocol };
  if (parts.length === 3) return { hostIp: parts[0] || undefined, published: parts[1] || undefined, target: parts[2]!, protocol };
  throw new ComposeFileError(`${path}: too many ":" in a port mapping (an IPv6 host address needs [ ])`);
}

function readPort(value: YamlValue, path: string): ComposePort {
  if (typeof value === 'string' || typeof value === 'number') return parseShortPort(String(value), path);
  const map = asMapping(value, path);
  const target = map.get('target');
  if (target === undefined || target === null) throw new ComposeFileError(`${path}: a long-syntax port needs target:`);
  const published = map.get('published');
  const hostIp = map.get('host_ip');
  const protocol = map.get('protocol');
  return {
    target: scalarText(target, `${path}.target`),
    ...(published !== undefined && published !== null ? { published: scalarText(published, `${path}.published`) } : {}),
    ...(hostIp !== undefined && hostIp !== null ? { hostIp: scalarText(hostIp, `${path}.host_ip`) } : {}),
    protocol: protocol === undefined || protocol === null ? 'tcp' : scalarText(protocol, `${path}.protocol`),
  };
}

function readHealthcheck(value: YamlValue, path: string): ComposeService['healthcheck'] {
  const map = asMapping(value ?? new Map(), path);
  const disabled = map.get('disable') === true;
  const test = map.get('test');
  if (test === undefined || test === null) return { disabled };
  if (typeof test === 'string') return { disabled, test: { kind: 'shell', command: test } };
  const argv = asList(test, `${path}.test`).map((part, i) => scalarText(part, `${path}.test[${i}]`));
  const [form, ...rest] = argv;
  if (form === 'NONE') return { disabled: true, test: { kind: 'none' } };
  if (form === 'CMD') return { disabled, test: { kind: 'exec', argv: rest } };
  if (form === 'CMD-SHELL') return { disabled, test: { kind: 'shell', command: rest.join(' ') } };
  throw new ComposeFileError(`${path}.test: a list must start with CMD, CMD-SHELL or NONE`);
}

function readEnvironment(value: YamlValue, path: string): Map<string, string | undefined> {
  const environment = new Map<string, string | undefined>();
  if (value === null) return environment;
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      const text = scalarText(entry, `${path}[${i}]`);
      const equals = text.indexOf('=');
      if (equals === -1) environment.set(text.trim(), undefined);
      else environment.set(text.slice(0, equals).trim(), text.slice(equals + 1));
    });
    return environment;
  }
  for (const [key, entry] of asMapping(value, path)) {
    environment.set(key, entry === null ? undefined : scalarText(entry, `${path}.${key}`));
  }
  return environment;
}

function readEnvFiles(value: YamlValue, path: string): string[] {
  if (value === null) return [];
  if (typeof value === 'string') return [value];
  return asList(value, path).map((entry, i) => {
    if (entry instanceof Map) return scalarText(entry.get('path') ?? null, `${path}[${i}].path`);
    return scalarText(entry, `${path}[${i}]`);
  });
}

function readVolume(value: YamlValue, path: string): ComposeVolume {
  if (value instanceof Map) {
    const type = value.get('type');
    const source = value.get('source');
    const target = value.get('target');
    const typeText = type === undefined || type === null ? 'volume' : scalarText(type, `${path}.type`);
    return {
      type: typeText === 'bind' || typeText === 'volume' || typeText === 'tmpfs' ? typeText : 'other',
      ...(source !== undefined && source !== null ? { source: scalarText(source, `${path}.source`) } : {}),
      target: scalarText(target ?? null, `${path}.target`),
    };
  }
  const parts = scalarText(value, path).split(':');
  if (parts.length === 1) return { type: 'volume', target: parts[0]! };
  const [source = '', target = ''] = parts;
  return { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target };
}

function readService(name: string, value: YamlValue): ComposeService {
  const path = `services.${name}`;
  const map = asMapping(value, path);
  const field = (key: string) => map.get(key) ?? null;

  const networkMode = map.has('network_mode') ? scalarText(field('network_mode'), `${path}.network_mode`) : undefined;
  let networks: string[];
  const rawNetworks = field('networks');
  if (rawNetworks === null) networks = networkMode === undefined ? ['default'] : [];
  else if (Array.isArray(rawNetworks)) networks = rawNetworks.map((entry, i) => scalarText(entry, `${path}.networks[${i}]`));
  else networks = [...asMapping(rawNetworks, `${path}.networks`).keys()];

  const command = field('command');
  const image = field('image');
  return {
    name,
    ...(image !== null ? { image: scalarText(image, `${path}.image`) } : {}),
    build: map.has('build'),
    ...(command === null
      ? {}
      : { command: Array.isArray(command) ? command.map((part, i) => scalarText(part, `${path}.command[${i}]`)) : scalarText(command, `${path}.command`) }),
    ...(map.has('healthcheck') ? { healthcheck: readHealthcheck(field('healthcheck'), `${path}.healthcheck`) } : {}),
    ports: field('ports') === null ? [] : asList(field('ports'), `${path}.ports`).map((port, i) => readPort(port, `${path}.ports[${i}]`)),
    networks,
    ...(networkMode !== undefined ? { networkMode } : {}),
    envFiles: readEnvFiles(field('env_file'), `${path}.env_file`),
    environment: readEnvironment(field('environment'), `${path}.environment`),
    volumes: field('volumes') === null ? [] : asList(field('volumes'), `${path}.volumes`).map((volume, i) => readVolume(volume, `${path}.volumes[${i}]`)),
  };
}

function readNetwork(name: string, value: YamlValue): ComposeNetwork {
  if (value === null) return { name, internal: false, external: false };
  const map = asMapping(value, `networks.${name}`);
  const flag = (key: string) => {
    const raw = map.get(key);
    return raw === true || raw === 'true' || raw instanceof Map;
  };
  return { name, internal: flag('internal'), external: flag('external') };
}

/** Parses a docker-compose file into the typed view; throws ComposeFileError naming the line or field. */
export function parseComposeFile(text: string): ComposeFile {
  const root = parseYaml(text);
  if (root === null) throw new ComposeFileError('the file is empty');
  const map = asMapping(root, 'the top level');
  const services = map.get('services');
  if (services === undefined || services === null) throw new ComposeFileError('the file has no services:');
  const version = map.get('version');
  const networks = map.get('networks');
  return {
    ...(version !== undefined && version !== null ? { version: scalarText(version, 'version') } : {}),
    services: [...asMapping(services, 'services')].map(([name, value]) => readService(name, value)),
    networks: networks === undefined || networks === null ? [] : [...asMapping(networks, 'networks')].map(([name, value]) => readNetwork(name, value)),
  };
}

/** A service's health check as one line, as `docker inspect` would show what it runs. */
export function healthcheckText(test: HealthcheckTest | undefined): string | undefined {
  if (!test) return undefined;
  if (test.kind === 'shell') return test.command;
  if (test.kind === 'exec') return test.argv.join(' ');
  return undefined;
}
