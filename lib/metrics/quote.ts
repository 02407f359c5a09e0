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

/**
 * A regex for the container names of a compose project: the project literally, then one service name and the
 * container number, with either of Compose's separators (project-web-1, project_web_1). The whole name is
 * anchored and the service is one word, so another project whose name only starts with this one
 * (mastodon-staging-web-1 for mastodon) does not match; a service with - or _ in its name is then matched
 * by its labels only.
 */
export function composeNameRegexSource(project: string): string {
  return `^${project.replace(REGEX_META, (c) => `\\${c}`)}[-_][^-_]+[-_][0-9]+$`;
}

/** InfluxQL regex literal between slashes; the source comes from composeNameRegexSource (slashes escaped there). */
export function influxqlRegex(source: string): string {
  return `/${source}/`;
}

/** Flux string literal: double quotes; backslash, quote and interpolation (${) escaped. */
export function fluxString(value: string): string {
  return `"${value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\$\{/g, '\\${')
    .replace(/\n/g, '\\n')}"`;
}

/** Flux regex literal; the source comes from composeNameRegexSource. */
export function fluxRegex(source: string): string {
  return `/${source}/`;
}

/** Flux record access by key, which works for dotted tag keys: r["com.docker.compose.project"]. */
export function fluxColumn(name: string): string {
  return `r[${fluxString(name)}]`;
}
