import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import PageError from '@/app/error';
import { withIntl } from '../../support/intl';

describe('app/error.tsx shows the digest and a retry, never the error itself', () => {
  it('leaves out the message and the stack, which may carry a password', () => {
    const error = Object.assign(new Error('connect redis://:hunter2@redis:6379 refused'), { digest: '1234567890' });
    const html = renderToStaticMarkup(withIntl(createElement(PageError, { error, retry: () => undefined })));
    expect(html).toContain('1234567890');
    expect(html).toContain('Try again');
    expect(html).not.toContain('hunter2');
    expect(html).not.toContain('redis://');
    expect(html).not.toContain(error.stack?.split('\n')[1]?.trim() ?? 'no stack line');
  });

  it('without a digest, still says where to look', () => {
    const html = renderToStaticMarkup(
      withIntl(createElement(PageError, { error: new Error('secret'), retry: () => undefined })),
    );
    expect(html).toContain('log');
    expect(html).not.toContain('secret');
  });

  it('speaks German', () => {
    const error = Object.assign(new Error('x'), { digest: '42' });
    const html = renderToStaticMarkup(withIntl(createElement(PageError, { error, retry: () => undefined }), 'de'));
    expect(html).toContain('Diese Seite konnte nicht angezeigt werden');
    expect(html).toContain('Erneut versuchen');
    expect(html).toContain('<code class="mono" data-testid="error-digest">42</code>');
  });
});
