import { describe, expect, it } from 'vitest';

import { logsQuerySchema } from '@/lib/validations/logs';

describe('logsQuerySchema', () => {
  it('defaults to the last 200 lines, no filter, JSON', () => {
    expect(logsQuerySchema.parse({ container: 'mdtest-web-1' })).toEqual({
      container: 'mdtest-web-1',
      tail: 200,
      q: '',
    });
  });

  it('reads tail, q and download from query strings', () => {
    expect(logsQuerySchema.parse({ container: 'web', tail: '50', q: 'Errno', download: '1' })).toEqual({
      container: 'web',
      tail: 50,
      q: 'Errno',
      download: '1',
    });
  });

  it.each([
    [{ container: '../etc/passwd' }],
    [{ container: '-f' }],
    [{ container: 'web', tail: '0' }],
    [{ container: 'web', tail: '2001' }],
    [{ container: 'web', tail: '1.5' }],
    [{ container: 'web', q: 'x'.repeat(201) }],
    [{ container: 'web', download: 'yes' }],
  ])('refuses %j', (input) => {
    expect(logsQuerySchema.safeParse(input).success).toBe(false);
  });
});
