import { describe, expect, it } from 'vitest';

import { downloadableFiles } from '@/lib/backups/download';
import { BACKUP_FILES, CHECKSUM_FILE, parseBackupName } from '@/lib/backups/layout';
import { backupFileHref, backupFileSchema, confirmDownloadHref, DOWNLOADABLE_FILES } from '@/lib/validations/backups';

const NAME = '2026-12-04T03-30-00Z_v4.3.17';

describe('the download’s name and file check', () => {
  it('knows the same files and names as the backup layout', () => {
    expect([...DOWNLOADABLE_FILES]).toEqual([...Object.values(BACKUP_FILES), CHECKSUM_FILE]);
    for (const name of [NAME, '2026-12-04T03-30-00Z_unknown-version', '2026-12-04T03-30-00Z_v4.4.0+glitch']) {
      expect(backupFileSchema.safeParse({ backup: name, file: 'mastodon.dump' }).success, name).toBe(true);
      expect(parseBackupName(name), name).not.toBeNull();
    }
  });

  it('refuses traversal, other files and names that are not a backup’s', () => {
    const refused = [
      { backup: '../../etc', file: 'mastodon.dump' },
      { backup: `${NAME}/..`, file: 'mastodon.dump' },
      { backup: NAME, file: '../backup.json' },
      { backup: NAME, file: 'backup.json' },
      { backup: NAME, file: 'mastodon.dump/' },
      { backup: `.partial-${NAME}`, file: 'mastodon.dump' },
      { backup: 'latest', file: 'mastodon.dump' },
      { backup: NAME, file: 'mastodon.dump', extra: 'x' },
    ];
    for (const input of refused) {
      expect(backupFileSchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
    }
  });

  it('offers only the files a backup’s own record lists, and its SHA256SUMS', () => {
    expect(
      downloadableFiles({
        files: [
          { part: 'database', file: 'mastodon.dump', bytes: 1, sha256: 'a' },
          { part: 'env', file: 'env.production', bytes: 1, sha256: 'b' },
        ],
      }),
    ).toEqual(['mastodon.dump', 'env.production', 'SHA256SUMS']);
  });

  it('builds the download and password-prompt addresses', () => {
    expect(backupFileHref({ backup: NAME, file: 'SHA256SUMS' })).toBe(`/backups/${NAME}/SHA256SUMS`);
    expect(confirmDownloadHref({ backup: NAME, file: 'mastodon.dump' })).toBe(
      `/backups/confirm?backup=${NAME}&file=mastodon.dump`,
    );
  });
});
