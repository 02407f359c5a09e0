import { describe, expect, it } from 'vitest';

import type { AppError } from '@/lib/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import { execCommandRefusal } from '@/lib/docker/exec-programs';
import { buildCleanupArgv } from '@/lib/mastodon/cleanup/commands';
import { CleanupOutputReader, parseHumanSize, parseSummaryLine } from '@/lib/mastodon/cleanup/output';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';
import { cleanupFormInput, cleanupSchema, type CleanupInput } from '@/lib/validations/cleanup';

function v(text: string): MastodonVersion {
  const version = parseMastodonVersion(text);
  if (!version) throw new Error(text);
  return version;
}

const BAR = (marks: number) => `Progress: |${'='.repeat(marks)}`;
const FULL = `${BAR(68)}|\n`;

describe('number_to_human_size read back', () => {
  it.each([
    ['0 Bytes', 0, 0],
    ['1 Byte', 1, 0],
    ['1023 Bytes', 1023, 0],
    ['1 KB', 1024, 6],
    ['1.13 KB', 1157, 6],
    ['4.88 KB', 4997, 6],
    ['117 KB', 119808, 512],
    ['1020 KB', 1044480, 5120],
    ['1.2 MB', 1258291, 5243],
    ['10 GB', 10737418240, 53687092],
  ])('%s is %i bytes, give or take %i', (text, bytes, within) => {
    expect(parseHumanSize(text)).toEqual({ text, bytes, within });
  });

  it('holds the real size within its bounds (three significant digits, half up)', () => {
    // 5000 bytes print as 4.88 KB; 1048575 as 1020 KB; 1258291 as 1.2 MB (ActiveSupport, and the stand-in).
    for (const [text, real] of [
      ['4.88 KB', 5000],
      ['1020 KB', 1048575],
      ['1.2 MB', 1258291],
    ] as const) {
      const size = parseHumanSize(text)!;
      expect(Math.abs(size.bytes - real)).toBeLessThanOrEqual(size.within);
    }
  });

  it('refuses what number_to_human_size does not print', () => {
    for (const text of ['', '1.2', 'MB', '1,2 MB', '1.2 mb', '-1 KB', '1.2 MiB'])
      expect(parseHumanSize(text)).toBeUndefined();
  });
});

describe('the summary line of each command, in each release’s words', () => {
  it.each([
    // 4.0.2 lib/mastodon/media_cli.rb: "(approx. X) #{dry_run}" with '(DRY RUN)' or '' (a trailing space).
    ['Removed 3 media attachments (approx. 1.2 MB) (DRY RUN)', 3, 'media attachments', '1.2 MB', true],
    ['Removed 3 media attachments (approx. 1.2 MB) ', 3, 'media attachments', '1.2 MB', false],
    ['Removed 3 media attachments (approx. 1.2 MB)', 3, 'media attachments', '1.2 MB', false],
    ['Visited 12 accounts and removed profile media totaling 900 Bytes (DRY RUN)', 12, 'accounts', '900 Bytes', true],
    ['Visited 12 accounts and removed profile media totaling 1.56 KB', 12, 'accounts', '1.56 KB', false],
    ['Removed 1 preview cards (approx. 1.95 KB) (DRY RUN)', 1, 'preview cards', '1.95 KB', true],
    ['Removed 2 link-type preview cards (approx. 4.88 KB)', 2, 'link-type preview cards', '4.88 KB', false],
    ['Removed 0 orphans (approx. 0 Bytes)', 0, 'orphans', '0 Bytes', false],
    ['Removed 3 orphans (approx. 600 Bytes) (DRY RUN)', 3, 'orphans', '600 Bytes', true],
  ] as const)('%j', (line, count, counted, size, dryRun) => {
    expect(parseSummaryLine(line)).toMatchObject({
      line: line.trimEnd(),
      count,
      counted,
      dryRun,
      size: { text: size },
    });
  });

  it('is not fooled by the other lines', () => {
    for (const line of [
      'Downloaded 3 media attachments (approx. 1.2 MB)',
      'Found and removed orphan: media_attachments/files/000/000/001/original/x.png',
      'Removed 3 media attachments',
      'Removed many orphans (approx. 1 KB)',
    ])
      expect(parseSummaryLine(line)).toBeUndefined();
  });
});

describe('tootctl’s output read as it streams', () => {
  it('follows the bar "=" by "=" across chunk boundaries, and ends with the summary', () => {
    const reader = new CleanupOutputReader();
    reader.push('Progress: ');
    expect(reader.state.percent).toBe(0);
    reader.push(`|${'='.repeat(17)}`);
    expect(reader.state.percent).toBe(25);
    reader.push('='.repeat(17));
    expect(reader.state.percent).toBe(50);
    reader.push(`${'='.repeat(34)}|\nRemoved 40 media attachments (approx. 117 KB) (DRY RUN)`);
    expect(reader.state.percent).toBe(100);
    expect(reader.state.summary).toBeUndefined();
    const state = reader.end();
    expect(state.summary).toMatchObject({ count: 40, size: { bytes: 119808 }, dryRun: true });
    expect(state.otherLines).toEqual([]);
  });

  it('counts remove-orphans’ log lines, which redraw the bar after each', () => {
    const reader = new CleanupOutputReader();
    const output =
      'Progress: |' +
      '\nFound and removed orphan: media_attachments/files/000/009/999/original/gone.png\nProgress: |' +
      '\nUnrecognized file found: odd/file.txt\nProgress: |' +
      '\nFound and removed orphan: cache/media_attachments/files/000/009/998/original/c.png\nProgress: |' +
      '\nError processing media_attachments/files/000/000/003/original/x.png: Permission denied\nProgress: |' +
      `${'='.repeat(68)}|\nRemoved 2 orphans (approx. 400 Bytes)\n`;
    for (let i = 0; i < output.length; i += 7) reader.push(output.slice(i, i + 7));
    const state = reader.end();
    expect(state).toMatchObject({ orphansFound: 2, unrecognized: 1, errorCount: 1, percent: 100, otherLines: [] });
    expect(state.errors).toEqual([
      'Error processing media_attachments/files/000/000/003/original/x.png: Permission denied',
    ]);
    expect(state.summary).toMatchObject({ count: 2, counted: 'orphans', size: { bytes: 400, within: 0 } });
  });

  it('keeps a failure printed on the bar’s own line (releases up to 4.2 say it on stdout)', () => {
    const reader = new CleanupOutputReader();
    reader.push('Progress: |The fog storage driver is not supported for this operation at this time\n');
    expect(reader.end().otherLines).toEqual([
      'The fog storage driver is not supported for this operation at this time',
    ]);
  });

  it('reads the terminal format too (%c/%u |%b%i| %e with carriage returns)', () => {
    const reader = new CleanupOutputReader();
    reader.push('10/40 |=====          | ETA: 00:00:03\r30/40 |===========    | ETA: 00:00:01\r');
    expect(reader.state.percent).toBe(75);
  });

  it('skips --verbose’s "Processing <id>" lines', () => {
    const reader = new CleanupOutputReader();
    reader.push(`Progress: |\nProcessing 109000000000000001\n${FULL}Removed 1 media attachments (approx. 3.91 KB)\n`);
    expect(reader.end()).toMatchObject({ otherLines: [], summary: { count: 1 } });
  });
});

describe('the cleanup commands as argv', () => {
  const media = (input: Partial<Extract<CleanupInput, { job: 'media-remove' }>> = {}): CleanupInput => ({
    job: 'media-remove',
    days: 7,
    remove: 'attachments',
    includeFollows: false,
    dryRun: true,
    ...input,
  });

  it.each([
    [media(), '4.3.17', ['tootctl', 'media', 'remove', '--days=7', '--dry-run']],
    [media({ dryRun: false, days: 30 }), '4.0.2', ['tootctl', 'media', 'remove', '--days=30']],
    [
      media({ remove: 'avatars-and-headers', includeFollows: true }),
      '4.2.8',
      ['tootctl', 'media', 'remove', '--days=7', '--prune-profiles', '--include-follows', '--dry-run'],
    ],
    [
      media({ remove: 'headers', dryRun: false }),
      '4.5.0',
      ['tootctl', 'media', 'remove', '--days=7', '--remove-headers'],
    ],
    [
      { job: 'preview-cards-remove', days: 180, dryRun: true } as const,
      '4.3.17',
      ['tootctl', 'preview_cards', 'remove', '--days=180', '--dry-run'],
    ],
    [{ job: 'media-remove-orphans', dryRun: false } as const, '4.1.9', ['tootctl', 'media', 'remove-orphans']],
  ] as const)('%j on %s', (input, version, argv) => {
    const built = buildCleanupArgv(input, v(version));
    expect(built).toEqual(argv);
    expect(execCommandRefusal(built, undefined, 'web')).toBeUndefined();
  });

  it('refuses avatars and headers on 4.0, whose media remove has no such option (the table says since when)', () => {
    let refusal: unknown;
    try {
      buildCleanupArgv(media({ remove: 'headers' }), v('4.0.2'));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'conflict' });
    const { detail } = refusal as AppError;
    expect(inEnglish(detail)).toBe(
      'tootctl media remove of Mastodon 4.0.2 has no --remove-headers; it arrived in 4.1.0. Nothing was run.',
    );
    expect(renderText(translatorFor('de'), detail)).toBe(
      'tootctl media remove von Mastodon 4.0.2 kennt --remove-headers nicht; die Option kam mit 4.1.0. ' +
        'Nichts wurde ausgeführt.',
    );
  });
});

describe('the cleanup input', () => {
  it.each([
    [{ job: 'media-remove', days: 0, remove: 'attachments', includeFollows: false, dryRun: true }, 'days'],
    [{ job: 'media-remove', days: 3651, remove: 'attachments', includeFollows: false, dryRun: true }, 'days'],
    [{ job: 'media-remove', days: 1.5, remove: 'attachments', includeFollows: false, dryRun: true }, 'days'],
    [{ job: 'media-remove', days: '7', remove: 'attachments', includeFollows: false, dryRun: true }, 'days'],
    [{ job: 'media-remove', days: 7, remove: 'everything', includeFollows: false, dryRun: true }, 'remove'],
    [{ job: 'media-remove', days: 7, remove: 'attachments', includeFollows: true, dryRun: true }, 'includeFollows'],
    [{ job: 'preview-cards-remove', days: 180, dryRun: 'yes' }, 'dryRun'],
    [{ job: 'media-remove-orphans', dryRun: true, prefix: '../../etc' }, ''],
    [{ job: 'media-refresh', dryRun: true }, 'job'],
  ])('refuses %j', (input, field) => {
    const parsed = cleanupSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it('takes the forms’ fields: days as text, a checkbox as "on", the button’s dryRun', () => {
    const form = new FormData();
    form.set('job', 'media-remove');
    form.set('days', '14');
    form.set('remove', 'avatars-and-headers');
    form.set('includeFollows', 'on');
    form.set('dryRun', 'false');
    expect(cleanupSchema.parse(cleanupFormInput(form))).toEqual({
      job: 'media-remove',
      days: 14,
      remove: 'avatars-and-headers',
      includeFollows: true,
      dryRun: false,
    });
    const orphans = new FormData();
    orphans.set('job', 'media-remove-orphans');
    orphans.set('dryRun', 'true');
    expect(cleanupSchema.parse(cleanupFormInput(orphans))).toEqual({ job: 'media-remove-orphans', dryRun: true });
    const empty = new FormData();
    empty.set('job', 'preview-cards-remove');
    empty.set('days', '');
    empty.set('dryRun', 'true');
    expect(cleanupSchema.safeParse(cleanupFormInput(empty)).success).toBe(false);
  });
});
