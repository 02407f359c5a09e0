import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * The folders of lib/ form layers (docs/design.md): a source (docker, jobs, metrics) never imports the
 * live hub that carries it, and a domain room never imports the panels built on it. An import back up
 * the layers makes a folder cycle, which this scan reports with the files that close it.
 */

const LIB = path.resolve(__dirname, '../../../lib');
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The top folder of lib/ a file or import target lies in (a file directly in lib/ is its own "folder"). */
function folderOf(file: string): string | undefined {
  const relative = path.relative(LIB, file);
  if (relative.startsWith('..')) return undefined;
  return relative.split(path.sep)[0];
}

function importedFolder(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('@/lib/')) return specifier.slice('@/lib/'.length).split('/')[0];
  if (specifier.startsWith('.')) return folderOf(path.resolve(path.dirname(file), specifier));
  return undefined;
}

/** folder → imported folder → the files that import it. */
export function folderImports(files: string[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const from = folderOf(file)!;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = importedFolder(file, match[1]!);
      if (!to || to === from) continue;
      const targets = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, targets);
      const importers = targets.get(to) ?? [];
      if (!importers.includes(file)) importers.push(file);
      targets.set(to, importers);
    }
  }
  return graph;
}

/** Each cycle of folders with the files of each step (the strongly connected components, by Tarjan's algorithm). */
function folderCycles(graph: Map<string, Map<string, string[]>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((component) => {
    const inside = new Set(component);
    const steps = component.flatMap((from) =>
      [...(graph.get(from) ?? [])]
        .filter(([to]) => inside.has(to))
        .map(([to, files]) => `${from} → ${to} (${files.map((file) => path.relative(LIB, file)).join(', ')})`),
    );
    return `${component.join(' ↔ ')}: ${steps.join('; ')}`;
  });
}

describe('lib/ folders', () => {
  it('import each other in one direction only (no folder cycles)', () => {
    const graph = folderImports(sourceFiles(LIB));
    expect(graph.size).toBeGreaterThan(5);
    expect(folderCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Map([['b', ['lib/a/x.ts']]])],
      ['b', new Map([['c', ['lib/b/y.ts']]])],
      ['c', new Map([['a', ['lib/c/z.ts']]])],
    ]);
    expect(folderCycles(graph)).toHaveLength(1);
    expect(folderCycles(graph)[0]).toMatch(/^a ↔ b ↔ c: /);
  });
});
