// InfluxDB line protocol formatting shared by the test bed's seed (influx.mjs) and the benchmarks (bench/).

export function escapeKey(text) {
  return text.replace(/[,= ]/g, (c) => `\\${c}`);
}

export function formatField(name, type, value) {
  switch (type) {
    case 'integer':
      if (typeof value !== 'bigint' && !Number.isInteger(value)) throw new Error(`${name}: ${value} is not an integer`);
      return `${name}=${value}i`;
    case 'float':
      if (!Number.isFinite(value)) throw new Error(`${name}: ${value} is not a finite float`);
      return `${name}=${value}`;
    case 'boolean':
      return `${name}=${value ? 'true' : 'false'}`;
    case 'string':
      return `${name}="${String(value).replace(/["\\]/g, (c) => `\\${c}`)}"`;
    default:
      throw new Error(`${name}: unknown field type ${type}`);
  }
}

/** `measurement,tag=value,… ` (tags sorted, trailing space): everything of a line before its fields. */
export function linePrefix(series) {
  const tags = Object.keys(series.tags)
    .sort()
    .map((k) => `${escapeKey(k)}=${escapeKey(series.tags[k])}`);
  return `${escapeKey(series.measurement)},${tags.join(',')} `;
}
