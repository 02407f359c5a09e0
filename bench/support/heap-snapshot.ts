import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  /**
   * The constructor for objects and closures, as DevTools groups them; (string), (array), (compiled code) … otherwise.
   */
  name: string;
  count: number;
  selfBytes: number;
}

/**
 * Self sizes of a V8 heap snapshot grouped as DevTools' "Summary" view groups them. Self sizes only:
 * retained sizes need the dominator tree, which this does not compute.
 */
export function summariseHeapSnapshot(file: string): {
  totalBytes: number;
  nodes: number;
  groups: Map<string, HeapGroup>;
} {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = raw.snapshot.meta.node_types[0];
  const groups = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let offset = 0; offset < raw.nodes.length; offset += width) {
    const type = types[raw.nodes[offset + typeAt] as number] ?? 'unknown';
    const size = raw.nodes[offset + sizeAt] as number;
    totalBytes += size;
    const name =
      type === 'object' || type === 'closure' || type === 'native'
        ? (raw.strings[raw.nodes[offset + nameAt] as number] ?? '?').split(' ')[0] || '(anonymous)'
        : type === 'code'
          ? '(compiled code)'
          : type === 'hidden'
            ? '(system)'
            : `(${type})`;
    const group = groups.get(name) ?? { name, count: 0, selfBytes: 0 };
    group.count++;
    group.selfBytes += size;
    groups.set(name, group);
  }
  return { totalBytes, nodes: raw.nodes.length / width, groups };
}
