/**
 * The one place where values become query text. Every identifier (measurement, tag key, field) and
 * every literal (tag value, bucket, regex) that reaches InfluxQL or Flux goes through these functions,
 * so no request parameter can change a query's structure.
 */

/** InfluxQL identifier: always double-quoted, so dotted and dashed names ("com.docker.compose.service") work. */
export function influxqlIdentifier(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

/** InfluxQL string literal, in single quotes. */
export function influxqlString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}'`;
}

/** Characters that mean something inside a regular expression (Go RE2 syntax, as both languages use). */
const REGEX_META = /[\\^$.|?*+()[\]{}/-]/g;

/** A regex that matches `prefix` literally at the start, followed by one of Compose's separators. */
export function composeNameRegexSource(prefix: string): string {
  return `^${prefix.replace(REGEX_META, (c) => `\\${c}`)}[-_]`;
}

/** InfluxQL regex literal between slashes; the source comes from composeNameRegexSource (slashes escaped there). */
export function influxqlRegex(source: string): string {
  return `/${source}/`;
}

/** Flux string literal: double quotes; backslash, quote and interpolation (${) escaped. */
export function fluxString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${').replace(/\n/g, '\\n')}"`;
}

/** Flux regex literal; the source comes from composeNameRegexSource. */
export function fluxRegex(source: string): string {
  return `/${source}/`;
}

/** Flux record access by key, which works for dotted tag keys: r["com.docker.compose.project"]. */
export function fluxColumn(name: string): string {
  return `r[${fluxString(name)}]`;
}
