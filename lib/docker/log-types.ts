import type { ErrorText, ErrorView } from '../errors';

/**
 * Container log lines as the server, the event stream and the browser share them. No server imports:
 * the log view uses the same filter, merge and text format as the download route.
 */
export type LogStreamName = 'stdout' | 'stderr';

export interface LogLine {
  /** When Docker received the line, ISO with milliseconds. */
  at: string;
  /**
   * The same time as Docker gave it, always with nine fraction digits, so that string order is time
   * order. With the stream and the text it identifies a line, and it is where a follow resumes.
   */
  ts: string;
  stream: LogStreamName;
  text: string;
}

/** Where a follow stands. 'stopped' and 'unavailable' resume by themselves; 'refused' is final. */
export type LogFollowState =
  | { state: 'connecting' }
  | { state: 'following'; since: string }
  | { state: 'stopped'; detail: ErrorText; since: string }
  | { state: 'unavailable'; error: ErrorView; since: string }
  | { state: 'refused'; error: ErrorView };

/** What the logs topic of the event stream sends (topic key `logs:NAME` on /api/live). */
export type LogsMessage =
  | { type: 'snapshot'; container: string; follow: LogFollowState; lines: LogLine[]; at: string }
  | {
      type: 'lines';
      container: string;
      lines: LogLine[];
      /** Lines skipped before these (rate cap). */ dropped?: number;
      at: string;
    }
  | { type: 'follow'; container: string; follow: LogFollowState; at: string };

/** The filter of the log view and the download: a plain substring, case-insensitive. */
export function filterLogLines<T extends Pick<LogLine, 'text'>>(lines: readonly T[], query: string): T[] {
  if (query === '') return [...lines];
  const needle = query.toLowerCase();
  return lines.filter((line) => line.text.toLowerCase().includes(needle));
}

/** One line of a download, as `docker logs -t` would print it plus the stream. */
export function formatLogLine(line: Pick<LogLine, 'at' | 'stream' | 'text'>): string {
  return `${line.at} ${line.stream === 'stderr' ? 'stderr' : 'stdout'} ${line.text}`;
}

export function formatLogText(lines: readonly Pick<LogLine, 'at' | 'stream' | 'text'>[]): string {
  return lines.map((line) => `${formatLogLine(line)}\n`).join('');
}

export function logLineKey(line: Pick<LogLine, 'ts' | 'stream' | 'text'>): string {
  return `${line.ts}\u0000${line.stream}\u0000${line.text}`;
}

/**
 * Appends lines that arrive from the follow to those already shown, keeping at most `cap`. A follow
 * starts with the log's tail and a new viewer gets the recent lines, so the same lines arrive twice:
 * those already held are dropped by identity, and those older than the oldest held line are dropped
 * (they would land out of order above what is shown).
 */
export function appendLogLines<T extends LogLine>(existing: readonly T[], incoming: readonly T[], cap: number): T[] {
  if (incoming.length === 0) return existing.length > cap ? existing.slice(-cap) : [...existing];
  const held = new Set(existing.map(logLineKey));
  const oldest = existing[0]?.ts;
  const fresh = incoming.filter((line) => {
    if (oldest !== undefined && line.ts < oldest) return false;
    const key = logLineKey(line);
    if (held.has(key)) return false;
    held.add(key);
    return true;
  });
  const merged = fresh.length === 0 ? [...existing] : [...existing, ...fresh];
  return merged.length > cap ? merged.slice(-cap) : merged;
}
