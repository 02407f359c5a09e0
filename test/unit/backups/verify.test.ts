import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import { countMismatches, type TableCounts } from '@/lib/backups/verify';

const counts = (accounts: number, users: number, statuses: number, media: number): TableCounts => ({
  accounts,
  users,
  statuses,
  media_attachments: media,
});

describe('counting a restore against the live database', () => {
  it('accepts counts between the live ones before the dump and after the restore, either way round', () => {
    expect(countMismatches(counts(13, 7, 223, 57), counts(13, 7, 223, 57), counts(13, 7, 224, 57))).toEqual([]);
    // Rows deleted since the dump: the live count fell, the restore holds the older, larger number.
    expect(countMismatches(counts(13, 7, 223, 57), counts(13, 7, 223, 57), counts(12, 7, 220, 50))).toEqual([]);
  });

  it('names each table whose restored rows lie outside both, with the numbers', () => {
    const wrong = countMismatches(counts(13, 0, 100, 57), counts(13, 7, 223, 57), counts(13, 7, 224, 57));
    expect(wrong.map((mismatch) => inEnglish(mismatch))).toEqual([
      'users: 0 restored, live 7…7',
      'statuses: 100 restored, live 223…224',
    ]);
    expect(renderText(translatorFor('de'), wrong[1]!)).toBe('statuses: 100 wiederhergestellt, live 223…224');
  });
});
