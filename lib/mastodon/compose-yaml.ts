import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  visit,
  type Document,
  type ErrorCode,
  type Node as YamlNode,
} from 'yaml';

/**
 * Reads a docker-compose file's YAML with the `yaml` package as compose-go reads it (YAML 1.2 core schema,
 * `<<` merge keys, unique keys); compose-file.ts builds the typed view on top. Tags, aliases without an
 * anchor and several documents are refused with the line, never guessed. Error messages name lines but
 * never quote the file's text: a compose file's `environment:` can hold secrets, and the package's own
 * messages quote the offending text, so only their codes are used.
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

const NEVER_CLOSED = 'a "[" or "{" is never closed';
const TAGS_UNSUPPORTED = 'YAML tags (!) are not supported';

/** The package's syntax errors in words that quote nothing from the file. */
const SYNTAX_REASONS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias (*name) cannot carry an anchor or a tag',
  BAD_ALIAS: 'an alias (*name) is not valid here',
  BAD_COLLECTION_TYPE: TAGS_UNSUPPORTED,
  BAD_DIRECTIVE: 'a YAML directive (%) is not valid',
  BAD_DQ_ESCAPE: 'unknown escape sequence in a double-quoted value (a backslash must be doubled)',
  BAD_INDENT: 'unexpected indentation',
  BAD_PROP_ORDER: 'an anchor (&) or tag (!) is in the wrong place',
  BAD_SCALAR_START: 'a plain value cannot start with @, ` or %; quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a list item ("- ") where a "key:" was expected',
  BLOCK_IN_FLOW: 'a "- " item or block value inside [ ] or { }',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  IMPOSSIBLE: 'the file cannot be read as YAML',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a "key" without ":", or a value without its closing character',
  MULTILINE_IMPLICIT_KEY: 'a key continues over more than one line',
  MULTIPLE_ANCHORS: 'a value has more than one anchor (&)',
  MULTIPLE_DOCS: 'a second YAML document ("---") is not supported',
  MULTIPLE_TAGS: TAGS_UNSUPPORTED,
  NON_STRING_KEY: 'a key must be a plain or quoted word, not a list or mapping',
  RESOURCE_EXHAUSTION: 'the file expands too many aliases',
  TAB_AS_INDENT: 'indentation uses a tab; YAML allows only spaces',
  TAG_RESOLVE_FAILED: TAGS_UNSUPPORTED,
  UNEXPECTED_TOKEN:
    'text YAML does not allow here (after a quoted value or a closing bracket, or a "- " item on a key\'s line)',
};

export interface ParsedYaml {
  doc: Document.Parsed;
  lineAt: (offset: number) => number;
}

function lineOf(node: YamlNode, yaml: ParsedYaml): number | undefined {
  return node.range ? yaml.lineAt(node.range[0]) : undefined;
}

function syntaxError({ doc, lineAt }: ParsedYaml): ComposeFileError | undefined {
  const [first] = doc.errors;
  if (!first) return undefined;
  const at = lineAt(first.pos[0]);
  if (first.code === 'MISSING_CHAR' && /quote/.test(first.message)) {
    // The package reports the end of the file; the line that matters is where the quote opens.
    let opened: number | undefined;
    visit(doc, {
      Scalar(_key, node) {
        const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
        if (quoted && node.range && node.range[0] <= first.pos[0] && first.pos[0] <= node.range[2])
          opened = lineAt(node.range[0]);
      },
    });
    return new ComposeFileError('a quoted value does not close', opened ?? at);
  }
  if ((first.code === 'MISSING_CHAR' || first.code === 'BAD_INDENT') && /flow/i.test(first.message)) {
    return new ComposeFileError(NEVER_CLOSED, at);
  }
  if (first.code === 'BLOCK_AS_IMPLICIT_KEY' && !/sequence/.test(first.message)) {
    // "image: a" followed by a deeper "ports: x": the package blames the value; the deeper key is the mistake.
    const continued = doc.errors.find((error) => error.code === 'MULTILINE_IMPLICIT_KEY');
    const line = continued ? lineAt(continued.pos[1]) : at;
    return new ComposeFileError('unexpected indentation (a deeper "key:" line continues a value above it)', line);
  }
  return new ComposeFileError(SYNTAX_REASONS[first.code], at);
}

/** Refuses what the package reads but a compose file should not hold, or what would fail only when converted. */
function structureError(yaml: ParsedYaml): ComposeFileError | undefined {
  const { doc } = yaml;
  const nodeError = (node: YamlNode): ComposeFileError | undefined => {
    if (node.tag !== undefined) return new ComposeFileError(TAGS_UNSUPPORTED, lineOf(node, yaml));
    if (isAlias(node) && node.resolve(doc) === undefined) {
      return new ComposeFileError(
        'an alias (*name) refers to an anchor that is not defined above it',
        lineOf(node, yaml),
      );
    }
    return undefined;
  };
  let problem: ComposeFileError | undefined;
  visit(doc, {
    Node(_key, node) {
      problem = nodeError(node);
      return problem ? visit.BREAK : undefined;
    },
    // Pairs are visited before their values, so a merge source is checked for its own errors first.
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.type !== Scalar.PLAIN || pair.key.value !== '<<') return undefined;
      for (const source of isSeq(pair.value) ? pair.value.items : [pair.value]) {
        if (isScalar(source) || isMap(source) || isSeq(source) || isAlias(source)) problem = nodeError(source);
        if (!problem && !isMap(isAlias(source) ? source.resolve(doc) : source)) {
          problem = new ComposeFileError(
            'a merge key (<<) must refer to a mapping or a list of mappings',
            lineOf(pair.key, yaml),
          );
        }
        if (problem) return visit.BREAK;
      }
      return undefined;
    },
  });
  return problem;
}

export function readYaml(text: string): { yaml: ParsedYaml; value: YamlValue } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    merge: true,
    uniqueKeys: true,
    stringKeys: true,
    prettyErrors: false,
    lineCounter: lines,
  });
  const yaml: ParsedYaml = { doc, lineAt: (offset) => lines.linePos(offset).line };
  const problem = syntaxError(yaml) ?? structureError(yaml);
  if (problem) throw problem;
  try {
    // With the core schema, string keys and no tags, toJS yields only the YamlValue shapes.
    return { yaml, value: doc.toJS({ mapAsMap: true, maxAliasCount: 100 }) as YamlValue };
  } catch {
    throw new ComposeFileError(SYNTAX_REASONS.RESOURCE_EXHAUSTION);
  }
}

/** Parses one YAML document as compose-go does (YAML 1.2 core, merge keys); throws ComposeFileError with the line. */
export function parseYaml(text: string): YamlValue {
  return readYaml(text).value;
}

/**
 * The line of the deepest node on the path that the file spells out (merged or aliased parts have none of their own).
 */
export function lineOfPath(yaml: ParsedYaml, path: readonly PropertyKey[]): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const node: unknown = yaml.doc.getIn(path.slice(0, length), true);
    if (isScalar(node) || isMap(node) || isSeq(node)) return lineOf(node, yaml);
  }
  return undefined;
}
