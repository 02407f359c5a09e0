import { describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';
import { MEDIA_PARTS, mediaBreakdown, readDuLines, shareOfMedia } from '@/lib/mastodon/storage/media-breakdown';
import { MEDIA_DU_ARGS, parseDuOutput } from '@/lib/mastodon/storage/media-folder';

const ROOT = '/opt/mastodon/public/system';

// `du -k -d 1` over one tree (300 KiB under cache/, 2 MiB under media_attachments/, 100 KiB under accounts/, 8 KiB
// of emojis, 20 KiB in site_uploads/, an empty backups/ and a loose 1000-byte file), captured from GNU coreutils 9.1
// and from BusyBox 1.35.0 (Debian bookworm) on the same file system: depth-1 folders in directory order, then the
// folder itself, "<KiB>\t<path>".
const GNU_OUTPUT = `4\t${ROOT}/backups
2056\t${ROOT}/media_attachments
308\t${ROOT}/cache
24\t${ROOT}/site_uploads
12\t${ROOT}/custom_emojis
108\t${ROOT}/accounts
2520\t${ROOT}
`;
const BUSYBOX_OUTPUT = `4\t${ROOT}/backups
2056\t${ROOT}/media_attachments
308\t${ROOT}/cache
24\t${ROOT}/site_uploads
12\t${ROOT}/custom_emojis
108\t${ROOT}/accounts
2520\t${ROOT}
`;

describe('the media breakdown from du -k -d 1', () => {
  it('runs one du over the folder, depth 1, in KiB', () => {
    expect(MEDIA_DU_ARGS).toEqual(['-k', '-d', '1', ROOT]);
  });

  it('names cache/, media_attachments/, accounts/, custom_emojis/, preview_cards/ and puts the rest together', () => {
    for (const stdout of [GNU_OUTPUT, BUSYBOX_OUTPUT]) {
      const reading = parseDuOutput({ exitCode: 0, stdout, stderr: '' });
      expect(reading.bytes).toBe(2520 * 1024);
      expect(reading.breakdown.parts).toEqual([
        { name: 'cache', bytes: 308 * 1024, present: true },
        { name: 'media_attachments', bytes: 2056 * 1024, present: true },
        { name: 'accounts', bytes: 108 * 1024, present: true },
        { name: 'custom_emojis', bytes: 12 * 1024, present: true },
        { name: 'preview_cards', bytes: 0, present: false },
      ]);
      // 2520 - 308 - 2056 - 108 - 12 = 36 KiB: site_uploads/, backups/, the loose file and the folder's own block.
      expect(reading.breakdown.rest).toEqual({
        bytes: 36 * 1024,
        folders: [
          { name: 'site_uploads', bytes: 24 * 1024 },
          { name: 'backups', bytes: 4 * 1024 },
        ],
      });
      const sum = reading.breakdown.parts.reduce((total, part) => total + part.bytes, reading.breakdown.rest.bytes);
      expect(sum).toBe(reading.bytes);
    }
  });

  it('reads the compose mount name of the folder and a trailing slash alike', () => {
    const lines = readDuLines(
      '8\t/mastodon/public/system/cache/\n12\t/mastodon/public/system/\n',
      '/mastodon/public/system',
    );
    expect(lines).toEqual({ totalBytes: 12 * 1024, children: new Map([['cache', 8 * 1024]]) });
  });

  it('keeps the totals when du could not read a folder (GNU and BusyBox words, exit 1)', () => {
    const stdout = `8\t${ROOT}/cache\n104\t${ROOT}/accounts\n192\t${ROOT}\n`;
    for (const stderr of [
      `du: cannot read directory '${ROOT}/cache/a': Permission denied\n`,
      `du: can't open '${ROOT}/cache/a': Permission denied\n`,
    ]) {
      const reading = parseDuOutput({ exitCode: 1, stdout, stderr });
      expect(reading.bytes).toBe(192 * 1024);
      expect(reading.breakdown.parts[0]).toEqual({ name: 'cache', bytes: 8 * 1024, present: true });
      expect(reading.problems).toEqual([stderr.trim()]);
    }
  });

  it('names a missing folder in either du’s words', () => {
    for (const stderr of [
      `du: cannot access '${ROOT}': No such file or directory\n`,
      `du: ${ROOT}: No such file or directory\n`,
    ]) {
      expect(() => parseDuOutput({ exitCode: 1, stdout: '', stderr })).toThrow(
        expect.objectContaining({ code: 'not_found' }) as AppError,
      );
    }
  });

  it('fails when du printed subfolders but no total (cut off), rather than guess one', () => {
    expect(() => parseDuOutput({ exitCode: 124, stdout: `8\t${ROOT}/cache\n`, stderr: '' })).toThrow(AppError);
  });

  it('skips lines of other paths and deeper ones; their bytes stay in the rest', () => {
    const lines = readDuLines(`5\t${ROOT}/cache/deeper\n3\t/elsewhere\nnot a line\n20\t${ROOT}\n`, ROOT);
    expect(lines).toEqual({ totalBytes: 20 * 1024, children: new Map() });
    expect(mediaBreakdown(20 * 1024, lines.children).rest.bytes).toBe(20 * 1024);
  });

  it('lists at most five other folders, largest first, and never a negative rest', () => {
    const children = new Map(['a', 'b', 'c', 'd', 'e', 'f'].map((name, index) => [name, (index + 1) * 1024]));
    children.set('cache', 100 * 1024);
    const breakdown = mediaBreakdown(50 * 1024, children);
    expect(breakdown.rest.folders.map((folder) => folder.name)).toEqual(['f', 'e', 'd', 'c', 'b']);
    expect(breakdown.rest.bytes).toBe(0);
    expect(breakdown.parts.map((part) => part.name)).toEqual([...MEDIA_PARTS]);
  });

  it('gives shares in percent, 0 for an empty folder', () => {
    expect(shareOfMedia(25, 100)).toBe(25);
    expect(shareOfMedia(0, 0)).toBe(0);
  });
});
