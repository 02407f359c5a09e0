import { describe, expect, it } from 'vitest';

import { REDACTED, redactParams, redactText } from '@/lib/audit/redact';

const HEX = '5f0e7c1a9b3d4e2f8a6c0b1d7e9f3a2c';

describe('redactParams', () => {
  it('redacts values under sensitive keys, whatever their type, at any depth', () => {
    expect(
      redactParams({
        username: 'alice',
        password: 'hunter2',
        newPassword: { nested: 'x' },
        apiToken: 12,
        SECRET_KEY_BASE: 'abc',
        Cookie: 'sid=1',
        authorization: 'Bearer abc',
        sessionId: 'zzz',
        headers: { 'X-Api-Key': 'k', accept: 'text/html' },
        list: [{ db_pass: 'p', host: 'db' }],
      }),
    ).toEqual({
      username: 'alice',
      password: REDACTED,
      newPassword: REDACTED,
      apiToken: REDACTED,
      SECRET_KEY_BASE: REDACTED,
      Cookie: REDACTED,
      authorization: REDACTED,
      sessionId: REDACTED,
      headers: { 'X-Api-Key': REDACTED, accept: 'text/html' },
      list: [{ db_pass: REDACTED, host: 'db' }],
    });
  });

  it('redacts a generated password (32 lowercase hex) wherever it appears', () => {
    expect(redactParams({ output: HEX, note: `got ${HEX}.`, deep: { a: [`x ${HEX}`] } })).toEqual({
      output: REDACTED,
      note: `got ${REDACTED}.`,
      deep: { a: [`x ${REDACTED}`] },
    });
  });

  it('keeps hex strings that are not 32 digits long, such as 64-digit container ids', () => {
    const containerId = HEX + HEX;
    expect(redactParams({ id: containerId, short: 'deadbeef' })).toEqual({ id: containerId, short: 'deadbeef' });
  });

  it("redacts tootctl's 'New password:' line whatever follows", () => {
    expect(redactParams({ stdout: 'OK\nNew password: correct horse battery\nDone' })).toEqual({
      stdout: `OK\nNew password: ${REDACTED}\nDone`,
    });
  });

  it('cuts strings longer than 200 characters, after redacting them', () => {
    const long = 'a'.repeat(180) + ' ' + HEX + ' ' + 'b'.repeat(300);
    const result = redactParams({ long }).long as string;
    expect(result.startsWith('a'.repeat(180) + ' ' + REDACTED)).toBe(true);
    expect(result).toMatch(/… \[cut, 514 characters in all\]$/);
    expect(result.length).toBeLessThan(240);
    expect(redactParams({ exact: 'c'.repeat(200) }).exact).toBe('c'.repeat(200));
  });

  it('stops at depth 3 (the top-level object is depth 1)', () => {
    expect(redactParams({ a: { b: { c: { d: 1 }, leaf: 'kept' } } })).toEqual({
      a: { b: { c: '[nested too deep]', leaf: 'kept' } },
    });
  });

  it('returns JSON-safe values only', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const result = redactParams({
      n: Number.NaN,
      big: 10n,
      when: new Date(0),
      error: new Error(`failed with ${HEX}`),
      fn: () => 1,
      missing: undefined,
      empty: null,
      bytes: Buffer.from('secret'),
      circular,
    });
    expect(result).toEqual({
      n: 'NaN',
      big: '10',
      when: '1970-01-01T00:00:00.000Z',
      error: `failed with ${REDACTED}`,
      empty: null,
      bytes: '[binary, 6 bytes]',
      circular: { name: 'loop', self: { name: 'loop', self: '[nested too deep]' } },
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('does not change its input', () => {
    const input = { password: 'x', nested: { token: 'y' } };
    redactParams(input);
    expect(input).toEqual({ password: 'x', nested: { token: 'y' } });
  });
});

describe('redactText', () => {
  it.each([
    ['DB_PASS=hunter2 DB_HOST=db', `DB_PASS=${REDACTED} DB_HOST=db`],
    ['--password=hunter2 --email=a@b.c', `--password=${REDACTED} --email=a@b.c`],
    ['{"token":"abc","user":"u"}', `{"token":"${REDACTED}","user":"u"}`],
    ['Authorization: Bearer abc.def', `Authorization: ${REDACTED} ${REDACTED}`],
    ['postgres://mastodon:s3cret@db:5432/mastodon', `postgres://mastodon:${REDACTED}@db:5432/mastodon`],
    ['Restarted mastodon-web-1 in 3 s', 'Restarted mastodon-web-1 in 3 s'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('redacts a secret even in a huge string', () => {
    const huge = 'x '.repeat(100_000) + HEX;
    expect(redactText('New password: ' + HEX + ' ' + huge)).not.toContain(HEX);
    expect(redactText(huge).length).toBeLessThan(260);
  });
});
