import { describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
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

// compose-spec/compose-go dotenv/parser.go: a quoted value ends at its first unescaped closing quote,
// wherever that is, and a quote that never closes is an error.
describe('parseEnvFile: quoted values over several lines', () => {
  it('reads a double-quoted value that spans lines, and the keys after it', () => {
    const parsed = parseEnvFile('A=1\nKEY="-----BEGIN KEY-----\nabc  \n-----END KEY-----"\nB=2\n');
    expect(parsed.values.get('KEY')).toBe('-----BEGIN KEY-----\nabc  \n-----END KEY-----');
    expect(parsed.values.get('B')).toBe('2');
    expect(parsed.malformedLines).toEqual([]);
  });

  it('applies escapes inside a multi-line value, and an escaped quote does not close it', () => {
    const parsed = parseEnvFile('MSG="one\\ttab\nsays \\"hi\\"\\nend"\nNEXT=x');
    expect(parsed.values.get('MSG')).toBe('one\ttab\nsays "hi"\nend');
    expect(parsed.values.get('NEXT')).toBe('x');
  });

  it('keeps a # inside a multi-line quoted value, and drops a comment after the closing quote', () => {
    const parsed = parseEnvFile('PASS="a # b\n# not a comment"  # a comment\nNEXT=y');
    expect(parsed.values.get('PASS')).toBe('a # b\n# not a comment');
    expect(parsed.values.get('NEXT')).toBe('y');
  });

  it('single quotes span lines too and stay literal', () => {
    expect(parseEnvFile("K='a\\n\nb'").values.get('K')).toBe('a\\n\nb');
  });

  it('reports an unterminated quote by line and key, never its value, and reads nothing after it', () => {
    const parsed = parseEnvFile('A=1\n\nSECRET="s3cret-value\nB=2\n');
    expect(parsed.unterminatedQuote).toEqual({ line: 3, key: 'SECRET' });
    expect(parsed.values.get('A')).toBe('1');
    expect(parsed.values.has('SECRET')).toBe(false);
    expect(parsed.values.has('B')).toBe(false);
  });
});

describe('loadConfig names what it could not read in .env.production, never a value', () => {
  it('warns of an unterminated quote by line and key, and of Redis keys Mastodon ignores', () => {
    const file = 'LOCAL_DOMAIN=a.example\nSIDEKIQ_REDIS_PASSWORD=pw-secret\nDB_PASS="db-secret\n';
    const config = loadConfig({ env: { MASTODON_DIR: '/m' }, cwd: '/', readFile: () => file });
    const warnings = config.warnings.join('\n');
    expect(warnings).toContain('line 3: the quoted value of DB_PASS never closes');
    expect(warnings).toContain('SIDEKIQ_REDIS_PASSWORD without SIDEKIQ_REDIS_HOST');
    expect(warnings).not.toMatch(/secret/);
    expect(config.mastodon.localDomain).toBe('a.example');
  });
});
