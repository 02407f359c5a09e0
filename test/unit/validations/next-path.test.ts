import { describe, expect, it } from 'vitest';

import { nextPathSchema } from '@/lib/validations/auth';

describe('nextPathSchema: where the login may send the browser', () => {
  it.each([
    ['a dot segment that resolves to a protocol-relative URL', '/.//evil.com'],
    ['a protocol-relative URL', '//evil.com'],
    ['a backslash, which browsers read as a slash', '/\\evil.com'],
    ['an absolute URL', 'https://evil.com'],
    ['encoded slashes that decode to a protocol-relative URL', '/%2F%2Fevil.com'],
    ['a dot-dot segment that climbs to a protocol-relative URL', '/a/..//evil.com'],
    ['a tab the URL parser drops', '/\t/evil.com'],
    ['a scheme without slashes', 'javascript:alert(1)'],
    ['a relative path', 'graphs'],
  ])('turns %s into /', (_label, next) => {
    expect(nextPathSchema.parse(next)).toBe('/');
  });

  it.each([
    ['/graphs?range=24h', '/graphs?range=24h'],
    ['/', '/'],
    ['/containers/mdtest-web-1#logs', '/containers/mdtest-web-1#logs'],
    ['/a/../graphs', '/graphs'],
  ])('keeps the app path %s', (next, expected) => {
    expect(nextPathSchema.parse(next)).toBe(expected);
  });

  it('turns a missing or oversized value into /', () => {
    expect(nextPathSchema.parse(undefined)).toBe('/');
    expect(nextPathSchema.parse(`/${'a'.repeat(600)}`)).toBe('/');
  });
});
