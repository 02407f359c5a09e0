import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * Process-wide state has one home, lib/process/singleton.ts (why it lives on globalThis is written
 * there). Every other file of lib/ goes through its helpers instead of writing the pattern again.
 */

const LIB = path.resolve(__dirname, '../../../lib');
const HOME = 'process/singleton.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('process-wide state in lib/', () => {
  it('goes through lib/process/singleton.ts: no other file mentions globalThis', () => {
    const mentioning = sourceFiles(LIB)
      .map((file) => path.relative(LIB, file).split(path.sep).join('/'))
      .filter((file) => file !== HOME)
      .filter((file) => readFileSync(path.join(LIB, file), 'utf8').includes('globalThis'));
    expect(mentioning).toEqual([]);
  });

  it('has a home that still holds the pattern', () => {
    expect(readFileSync(path.join(LIB, HOME), 'utf8')).toContain('globalThis');
  });
});
