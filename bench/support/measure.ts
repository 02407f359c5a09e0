import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The value at rank round((n − 1) × p) of the sorted values (p50: the median, p95: near the top). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))] ?? NaN;
}

/** "Run <UTC minute> on <cores> × <CPU>, Node <version>": how each benchmark's results begin. */
export function runHeader(at: Date = new Date()): string {
  return (
    `Run ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ` +
    `${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`
  );
}

/** A process's resident memory (VmRSS from /proc), in MiB. */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((each) => each.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}
