import { describe, expect, it } from 'vitest';

import { showsFailure } from '@/components/ui/use-panel';

describe('showsFailure: a failing panel, or a panel with a failing part, retries quickly', () => {
  it('sees a failed panel and a failed part at any depth, and nothing else', () => {
    expect(showsFailure({ ok: false, error: { code: 'timeout' }, at: '' })).toBe(true);
    expect(showsFailure({ ok: true, data: { migrations: { ok: false, error: {} } }, at: '' })).toBe(true);
    expect(showsFailure({ ok: true, data: { parts: [{ ok: true }, { database: { ok: false } }] }, at: '' })).toBe(true);
    expect(
      showsFailure({ ok: true, data: { migrations: { ok: true, data: { pending: 1 } }, okay: false }, at: '' }),
    ).toBe(false);
    expect(showsFailure({ ok: true, data: [false, null, 'ok: false'], at: '' })).toBe(false);
  });
});
