import { describe, expect, it } from 'vitest';

import { checkRequest, isAllowedHost, parseHostHeader } from '@/lib/http/request-guard';
import { contentSecurityPolicy } from '@/lib/http/security-headers';

describe('isAllowedHost (DNS rebinding defence)', () => {
  it.each([
    ['localhost:3001', true],
    ['127.0.0.1:3001', true],
    ['[::1]:3001', true],
    ['LOCALHOST:3001', true],
    ['localhost', true],
    ['127.0.0.1', true],
    ['evil.example:3001', false],
    ['evil.example', false],
    ['127.0.0.1.evil.example:3001', false],
    ['localhost.evil.example', false],
    ['127.0.0.2:3001', false],
    ['0.0.0.0:3001', false],
    ['[::ffff:127.0.0.1]:3001', false],
    ['', false],
    ['localhost:3001 extra', false],
    ['user@localhost:3001', false],
  ])('%s → %s', (host, allowed) => {
    expect(isAllowedHost(host, [])).toBe(allowed);
  });

  it('adds ALLOWED_HOSTS names (any port) and name:port entries (that port only)', () => {
    expect(isAllowedHost('dash.internal:8443', ['dash.internal'])).toBe(true);
    expect(isAllowedHost('dash.internal:9999', ['dash.internal:8443'])).toBe(false);
    expect(isAllowedHost('dash.internal:8443', ['dash.internal:8443'])).toBe(true);
    expect(isAllowedHost('other.internal', ['dash.internal'])).toBe(false);
  });

  it('rejects a missing Host', () => {
    expect(isAllowedHost(null, [])).toBe(false);
  });

  it('parses IPv6 hosts with ports', () => {
    expect(parseHostHeader('[::1]:3001')).toEqual({ name: '[::1]', port: '3001' });
  });
});

describe('checkRequest', () => {
  const ok = { method: 'POST', host: '127.0.0.1:3001', origin: 'http://127.0.0.1:3001', secFetchSite: 'same-origin' };
  it.each([
    ['a same-origin POST', ok, true],
    ['a GET without Origin', { ...ok, method: 'GET', origin: null, secFetchSite: null }, true],
    ['a POST without Sec-Fetch-Site (non-browser client) but with our Origin', { ...ok, secFetchSite: null }, true],
    ['a POST without Origin', { ...ok, origin: null }, false],
    ['a POST with Origin null', { ...ok, origin: 'null' }, false],
    ['a POST from another localhost port', { ...ok, origin: 'http://127.0.0.1:5173' }, false],
    ['a POST from localhost when served as 127.0.0.1', { ...ok, origin: 'http://localhost:3001' }, false],
    ['a cross-site POST', { ...ok, origin: 'https://evil.example', secFetchSite: 'cross-site' }, false],
    ['a same-site POST (other port)', { ...ok, secFetchSite: 'same-site' }, false],
    [
      'a rebinding POST with matching Origin and Host',
      { ...ok, host: 'evil.example:3001', origin: 'http://evil.example:3001' },
      false,
    ],
    ['a rebinding GET', { ...ok, method: 'GET', host: 'evil.example:3001', origin: null, secFetchSite: null }, false],
    ['a DELETE without Origin', { ...ok, method: 'DELETE', origin: null }, false],
  ])('%s → %s', (_name, facts, allowed) => {
    expect(checkRequest(facts, []).ok).toBe(allowed);
  });
});

describe('contentSecurityPolicy', () => {
  const csp = contentSecurityPolicy('abc123');
  it('carries the nonce, forbids eval, framing and plugins', () => {
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
