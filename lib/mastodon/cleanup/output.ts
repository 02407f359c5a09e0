/**
 * What tootctl's cleanup commands print, read as it streams. Facts from mastodon/mastodon (glitch-soc/mastodon
 * v4.3.17 and v4.4.4, MozillaSocial/mastodon at 4.0.2 and 4.1.9): lib/mastodon/cli/progress_helper.rb draws a
 * ruby-progressbar; media.rb and preview_cards.rb log through it and end with one `say` line whose size is
 * ActiveSupport's number_to_human_size. Pure, and free of server-only imports: the page reads sizes with it too.
 *
 * Under `docker exec` without a TTY, ruby-progressbar (1.11, 1.13: lib/ruby-progressbar/outputs/non_tty.rb) ignores
 * the command's format and prints "Progress: |" once, then each "=" as the bar grows (68 of them at 100 % in its
 * default 80 columns), and "|" plus a newline when it is finished; a log line comes as "\n<line>\n" followed by the
 * bar again from its start. On a terminal it would print "%c/%u |%b%i| %e" with carriage returns; both are read.
 */

/** A size as number_to_human_size prints it (base 1024, three significant digits, insignificant zeros stripped). */
export interface HumanSize {
  text: string;
  bytes: number;
  /** How far the real number of bytes may be from `bytes`: half a unit of the last digit shown. */
  within: number;
}

const UNIT_BYTES: Record<string, number> = {
  Byte: 1,
  Bytes: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  EB: 1024 ** 6,
};

export function parseHumanSize(text: string): HumanSize | undefined {
  const match = /^(\d+)(?:\.(\d+))? (Bytes?|KB|MB|GB|TB|PB|EB)$/.exec(text.trim());
  if (!match) return undefined;
  const [, whole = '', fraction = '', unit = ''] = match;
  const factor = UNIT_BYTES[unit] ?? 1;
  const value = Number(fraction ? `${whole}.${fraction}` : whole);
  if (factor === 1) return { text: text.trim(), bytes: value, within: 0 };
  // Three significant digits: the last one kept is at 10^(digits before the point - 3), zeros stripped or not.
  const within = 0.5 * 10 ** (whole.length - 3) * factor;
  return { text: text.trim(), bytes: Math.round(value * factor), within: Math.ceil(within) };
}

export type CountedItems = 'media attachments' | 'accounts' | 'preview cards' | 'link-type preview cards' | 'orphans';

/** The last line of a cleanup command. */
export interface CleanupSummary {
  line: string;
  /** The items tootctl went through (attachments, accounts, preview cards), or the orphans it found. */
  count: number;
  counted: CountedItems;
  size: HumanSize;
  dryRun: boolean;
}

// 4.0 prints "(approx. X) (DRY RUN)" and "(approx. X) " (a trailing space); later releases "(approx. X)" plus
// " (DRY RUN)" (v4.3.17 lib/mastodon/cli/base.rb dry_run_mode_suffix).
const SUMMARY_LINES: readonly { pattern: RegExp; counted: (match: RegExpExecArray) => CountedItems }[] = [
  {
    pattern: /^Removed (\d+) media attachments \(approx\. ([^)]+)\) ?(\(DRY RUN\))?\s*$/,
    counted: () => 'media attachments',
  },
  {
    pattern: /^Visited (\d+) accounts and removed profile media totaling (.+?)( \(DRY RUN\))?\s*$/,
    counted: () => 'accounts',
  },
  {
    pattern: /^Removed (\d+) (?:link-type )?preview cards \(approx\. ([^)]+)\)( \(DRY RUN\))?\s*$/,
    counted: (match) => (match[0].includes(' link-type ') ? 'link-type preview cards' : 'preview cards'),
  },
  { pattern: /^Removed (\d+) orphans \(approx\. ([^)]+)\)( \(DRY RUN\))?\s*$/, counted: () => 'orphans' },
];

export function parseSummaryLine(line: string): CleanupSummary | undefined {
  for (const { pattern, counted } of SUMMARY_LINES) {
    const match = pattern.exec(line);
    if (!match) continue;
    const size = parseHumanSize(match[2] ?? '');
    if (!size) return undefined;
    return {
      line: line.trimEnd(),
      count: Number(match[1]),
      counted: counted(match),
      size,
      dryRun: match[3] !== undefined,
    };
  }
  return undefined;
}

const BAR_PREFIX = 'Progress: |';
/** ruby-progressbar's bar at its default 80 columns, as "%t: |%b|" leaves it (80 - "Progress: ||".length). */
const BAR_WIDTH = 68;
const TTY_BAR = /^\s*(\d+)\/(\d+|\?\?) \|/;
const KEEP_LINES = 20;

/** What the output has said so far. */
export interface CleanupOutputState {
  /** Percent of the items done, from the progress bar (stays 0 while the bar's total is unknown). */
  percent: number;
  /** "Found and removed orphan: …" lines (remove-orphans logs one per orphan, dry run or not). */
  orphansFound: number;
  /** "Unrecognized file found: …" lines (remove-orphans). */
  unrecognized: number;
  /** "Error processing …" lines: an item tootctl could not remove; the first few are kept. */
  errorCount: number;
  errors: string[];
  /** Other lines, such as a failure printed on stdout by releases up to 4.2; the first few are kept. */
  otherLines: string[];
  summary?: CleanupSummary;
}

/** Reads a cleanup command's stdout chunk by chunk; `state` is current after each `push`. */
export class CleanupOutputReader {
  readonly state: CleanupOutputState = {
    percent: 0,
    orphansFound: 0,
    unrecognized: 0,
    errorCount: 0,
    errors: [],
    otherLines: [],
  };
  private partial = '';

  push(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r\n|\r|\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.readLine(line, true);
    // The bar grows on the line still being written.
    if (this.partial.startsWith(BAR_PREFIX)) this.readBar(this.partial, false);
  }

  /** The output ended: its last line counts even without a newline. */
  end(): CleanupOutputState {
    if (this.partial !== '') this.readLine(this.partial, true);
    this.partial = '';
    return this.state;
  }

  /** Returns the text after the bar, if any (a message printed on the bar's line). */
  private readBar(line: string, complete: boolean): string {
    const rest = line.slice(BAR_PREFIX.length);
    const marks = /^=*/.exec(rest)?.[0].length ?? 0;
    const after = rest.slice(marks);
    if (after.startsWith('|')) this.state.percent = 100;
    else if (marks > 0)
      this.state.percent = Math.max(this.state.percent, Math.min(99, Math.floor((100 * marks) / BAR_WIDTH)));
    return complete ? after.replace(/^\|/, '') : '';
  }

  private readLine(raw: string, complete: boolean): void {
    let line = raw;
    if (line.startsWith(BAR_PREFIX)) line = this.readBar(line, complete);
    const tty = TTY_BAR.exec(line);
    if (tty) {
      if (tty[2] !== '??' && Number(tty[2]) > 0)
        this.state.percent = Math.floor((100 * Number(tty[1])) / Number(tty[2]));
      return;
    }
    const text = line.trim();
    if (text === '') return;
    const summary = parseSummaryLine(text);
    if (summary) {
      this.state.summary = summary;
      return;
    }
    if (text.startsWith('Found and removed orphan: ')) this.state.orphansFound += 1;
    else if (text.startsWith('Unrecognized file found: ')) this.state.unrecognized += 1;
    else if (text.startsWith('Error processing ')) {
      this.state.errorCount += 1;
      if (this.state.errors.length < KEEP_LINES) this.state.errors.push(text);
    } else if (!text.startsWith('Processing ') && this.state.otherLines.length < KEEP_LINES) {
      this.state.otherLines.push(text);
    }
  }
}
