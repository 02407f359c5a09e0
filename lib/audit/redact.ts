import 'server-only';

/**
 * Keeps credentials out of the audit log. Records are kept forever and copied to journald, so
 * anything that looks like a secret is replaced before it is stored; when in doubt, redact.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const REDACTED = '[redacted]';

const SENSITIVE_KEY = /pass|secret|token|key|cookie|authorization|session/i;
const MAX_STRING = 200;
const MAX_KEY = 100;
const MAX_DEPTH = 3;
const MAX_ENTRIES = 50;
// Huge strings are shortened before the patterns run (bounded work), but well past MAX_STRING so a
// secret that straddles the final cut is still seen whole and redacted.
const PRE_CUT = MAX_STRING * 8;

type Replacer = (match: string, ...groups: string[]) => string;

// A name that sounds secret, then `=`, `:` or `": "`, then the value (quoted, or up to a separator).
const SECRET_NAME = String.raw`([\w.-]*(?:pass|secret|token|key|cookie|authorization|session)[\w.-]*)`;
const ASSIGNMENT = String.raw`(["']?\s*[=:]\s*)`;
const SECRET_VALUE = String.raw`("[^"]*"|'[^']*'|[^\s,;&"']+)`;

const TEXT_RULES: readonly [RegExp, Replacer][] = [
  // tootctl accounts create prints the generated password on a line of its own.
  [/New password:[^\r\n]*/gi, () => `New password: ${REDACTED}`],
  // Mastodon's generated passwords are SecureRandom.hex: 32 lowercase hex digits. 64-digit container ids do not match.
  [/(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g, () => REDACTED],
  [/\b(Bearer|Basic)\s+[^\s,;]+/gi, (_match, scheme) => `${scheme} ${REDACTED}`],
  // Credentials in URLs: postgres://user:secret@host.
  [/(\/\/[^\s/:@]+:)[^\s/@]+@/g, (_match, user) => `${user}${REDACTED}@`],
  // Assignments such as DB_PASS=x, --password=x, "token": "x", Cookie: x (env dumps, argv, headers).
  [
    new RegExp(SECRET_NAME + ASSIGNMENT + SECRET_VALUE, 'gi'),
    (_match, name, separator, value) => {
      const quote = /^["']/.test(value) ? value.charAt(0) : '';
      return `${name}${separator}${quote}${REDACTED}${quote}`;
    },
  ],
];

/** Redacts secrets wherever they appear in a free text (targets, errors, tool output), then shortens it. */
export function redactText(text: string, max: number = MAX_STRING): string {
  const window = Math.max(PRE_CUT, max * 2);
  const preCut = text.length > window;
  let result = preCut ? text.slice(0, window) : text;
  for (const [pattern, replacer] of TEXT_RULES) result = result.replace(pattern, replacer);
  if (!preCut && result.length <= max) return result;
  return `${result.slice(0, max)}… [cut, ${text.length} characters in all]`;
}

function redactValue(value: unknown, depth: number): JsonValue | undefined {
  if (value === null || value === undefined) return value === null ? null : undefined;
  switch (typeof value) {
    case 'string':
      return redactText(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error) return redactText(value.message);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary, ${value.byteLength} bytes]`;
  if (depth > MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ENTRIES).map((item: unknown) => redactValue(item, depth + 1) ?? null);
    if (value.length > MAX_ENTRIES) items.push(`[${value.length - MAX_ENTRIES} more items cut]`);
    return items;
  }
  return redactObject(value as Record<string, unknown>, depth);
}

function redactObject(object: Record<string, unknown>, depth: number): JsonObject {
  const result: JsonObject = {};
  const entries = Object.entries(object);
  for (const [key, value] of entries.slice(0, MAX_ENTRIES)) {
    const safeKey = redactText(key, MAX_KEY);
    if (SENSITIVE_KEY.test(key)) {
      result[safeKey] = REDACTED;
      continue;
    }
    const safe = redactValue(value, depth + 1);
    if (safe !== undefined) result[safeKey] = safe;
  }
  if (entries.length > MAX_ENTRIES) result['[cut]'] = `${entries.length - MAX_ENTRIES} more keys`;
  return result;
}

/**
 * A JSON-safe copy of `params` fit for the audit log: values under sensitive keys become '[redacted]',
 * secrets inside strings are redacted wherever they appear, strings are cut at 200 characters, and
 * nesting stops at depth 3 (the top-level object is depth 1).
 */
export function redactParams(params: Record<string, unknown>): JsonObject {
  return redactObject(params, 1);
}
