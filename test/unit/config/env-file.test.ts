import { describe, expect, it } from 'vitest';

import { parseEnvFile } from '@/lib/config/env-file';

describe('parseEnvFile reads .env.production as Docker Compose v2 does', () => {
  const cases: [string, string, string | undefined][] = [
    ['unquoted', 'DB_HOST=db', 'db'],
    ['double quotes are removed', 'DB_PASS="s3cret"', 's3cret'],
    ['single quotes are removed', "DB_PASS='s3cret'", 's3cret'],
    ['single quotes are literal', "DB_PASS='a\\nb $X'", 'a\\nb $X'],
    ['double quotes honour escapes', 'MSG="a\\tb\\"c"', 'a\tb"c'],
    ['inline comment after a space', 'REDIS_HOST=redis # the compose service', 'redis'],
    ['a # without space is part of the value', 'DB_PASS=abc#def', 'abc#def'],
    ['comment after a closing quote', 'DB_NAME="mastodon" # comment', 'mastodon'],
    ['# inside quotes is kept', 'DB_PASS="a # b"', 'a # b'],
    ['export prefix', 'export LOCAL_DOMAIN=example.social', 'example.social'],
    ['spaces around =', 'DB_PORT = 5432', '5432'],
    ['empty value', 'REDIS_PASSWORD=', ''],
    ['equals signs inside the value', 'SECRET_KEY_BASE=abc==', 'abc=='],
    ['CRLF line endings', 'DB_USER=postgres\r', 'postgres'],
  ];
  it.each(cases)('%s', (_name, line, expected) => {
    const key = line
      .replace(/^export\s+/, '')
      .split('=')[0]!
      .trim();
    expect(parseEnvFile(line).values.get(key)).toBe(expected);
  });

  it('skips comments and blank lines and reports malformed lines by number', () => {
    const parsed = parseEnvFile('# Federation\n\nLOCAL_DOMAIN=a.example\nthis is not a pair\nDB_HOST=db\n');
    expect([...parsed.values.keys()]).toEqual(['LOCAL_DOMAIN', 'DB_HOST']);
    expect(parsed.malformedLines).toEqual([4]);
  });

  it('the last assignment of a key wins', () => {
    expect(parseEnvFile('DB_HOST=a\nDB_HOST=b').values.get('DB_HOST')).toBe('b');
  });
});
