import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces what stands between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` in
 * BENCHMARKS.md with `body`, and prints it. The text around the markers (what the benchmark does, how to
 * read it) is written by hand and stays.
 */
export function writeBenchmarkSection(name: string, body: string, file = 'BENCHMARKS.md'): void {
  console.log(body);
  const startMark = `<!-- bench:${name}:start -->`;
  const endMark = `<!-- bench:${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(startMark);
  const end = text.indexOf(endMark);
  if (start === -1 || end === -1) throw new Error(`${file} lacks the ${startMark} and ${endMark} markers`);
  writeFileSync(file, `${text.slice(0, start + startMark.length)}\n${body}\n${text.slice(end)}`);
}
