import { vi } from 'vitest';

import type { Store } from '@/lib/store';

/**
 * Captures every line the code under test prints (console.log, .warn, .error: the audit's journald lines
 * included) so a test can say that no secret reached any of them, nor any audit row.
 */
export function watchOutput(): { lines: () => string[] } {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack ?? ''}` : String(arg))).join(' '));
  };
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'warn').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
  return { lines: () => [...lines] };
}

export function auditRows(db: Store): Record<string, unknown>[] {
  return db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Record<string, unknown>[];
}

/** Every place a secret must not be: each audit row whole, and each printed line. */
export function everywhere(db: Store, output: { lines: () => string[] }): string {
  return [...auditRows(db).map((row) => JSON.stringify(row)), ...output.lines()].join('\n');
}
