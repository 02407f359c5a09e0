import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { refusalResponse } from '@/lib/http/refusal';
import { checkRequest, type GuardRefusal } from '@/lib/http/request-guard';

function refusal(facts: Parameters<typeof checkRequest>[0]): GuardRefusal {
  const verdict = checkRequest(facts, []);
  if (verdict.ok) throw new Error('expected a refusal');
  return verdict;
}

const sameOrigin = {
  method: 'POST',
  host: '127.0.0.1:3001',
  origin: 'http://127.0.0.1:3001',
  secFetchSite: 'same-origin',
};

describe('checkRequest names the rule and the header that refused', () => {
  it.each([
    ['a foreign Host', { ...sameOrigin, host: 'evil.example:3001' }, 'host', 'Host "evil.example:3001" is not allowed'],
    [
      'Origin null from a sandboxed page',
      { ...sameOrigin, origin: 'null', secFetchSite: 'cross-site' },
      'origin',
      'Origin null',
    ],
    [
      'a foreign Origin',
      { ...sameOrigin, origin: 'https://evil.example', secFetchSite: 'cross-site' },
      'origin',
      'Origin https://evil.example is not this dashboard',
    ],
    [
      'our Origin with Sec-Fetch-Site same-site',
      { ...sameOrigin, secFetchSite: 'same-site' },
      'origin',
      'Sec-Fetch-Site same-site is not same-origin',
    ],
    ['no Origin', { ...sameOrigin, origin: null }, 'origin', 'A mutation without Origin'],
  ])('%s', (_name, facts, rule, reason) => {
    const refused = refusal(facts);
    expect(refused).toMatchObject({ status: 403, rule });
    expect(inEnglish(refused.reason)).toBe(reason);
  });
});

describe('the refusal reasons in German', () => {
  it('names the header in German, quoting a foreign Host with German quotation marks', () => {
    const de = translatorFor('de');
    expect(renderText(de, refusal({ ...sameOrigin, host: 'evil.example:3001' }).reason)).toBe(
      'Host „evil.example:3001“ ist nicht erlaubt',
    );
    expect(renderText(de, refusal({ ...sameOrigin, origin: 'https://evil.example' }).reason)).toBe(
      'Origin https://evil.example ist nicht dieses Dashboard',
    );
  });
});

describe('refusalResponse', () => {
  const crossSite = refusal({ ...sameOrigin, origin: 'https://evil.example/<script>', secFetchSite: 'cross-site' });
  const browser = new Headers({
    accept: 'text/html,application/xhtml+xml',
    'sec-fetch-mode': 'navigate',
    host: '127.0.0.1:3001',
  });

  it('gives a browser a page: what was refused, why, and a way back; status 403', async () => {
    const response = refusalResponse(crossSite, {
      method: 'POST',
      url: 'http://127.0.0.1:3001/login?token=secret-token',
      headers: browser,
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).toContain('<h1>Request refused</h1>');
    expect(html).toContain('<code>POST /login</code>');
    expect(html).toContain('cross-site request forgery');
    expect(html).toContain('<a href="/">Back to the dashboard</a>');
    expect(html, 'the query (a login token) is not echoed').not.toContain('secret-token');
    expect(html, 'header values are escaped').not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });

  it('speaks the browser language: German for Accept-Language de', async () => {
    const response = refusalResponse(crossSite, {
      method: 'POST',
      url: 'http://127.0.0.1:3001/login',
      headers: new Headers({ ...Object.fromEntries(browser.entries()), 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' }),
    });
    const html = await response.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<h1>Anfrage abgelehnt</h1>');
    expect(html).toContain('Mastodash hat <code>POST /login</code> abgelehnt (403 Forbidden) und nichts getan.');
    expect(html).toContain('<a href="/">Zurück zum Dashboard</a>');
    expect(html).toContain(
      '<p data-testid="refusal-reason"><strong>Origin https://evil.example/&#60;script&#62; ist nicht dieses Dashboard.</strong></p>',
    );
  });

  it('sends a refused Host to the loopback address instead of back to the foreign name', async () => {
    const host = refusal({ ...sameOrigin, method: 'GET', host: 'evil.example:3001' });
    const headers = new Headers({ accept: 'text/html', host: 'evil.example:3001' });
    const html = await refusalResponse(host, { method: 'GET', url: 'http://evil.example:3001/', headers }).text();
    expect(html).toContain('DNS-rebinding');
    expect(html).toContain('href="http://localhost:3001/"');
  });

  it('keeps the short text line for fetch, EventSource and other API clients', async () => {
    for (const accept of ['*/*', 'text/event-stream', 'application/json', 'text/x-component']) {
      const response = refusalResponse(crossSite, {
        method: 'POST',
        url: 'http://127.0.0.1:3001/api/live',
        headers: new Headers({ accept }),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('Forbidden: Origin https://evil.example/<script> is not this dashboard\n');
    }
  });
});
