import type { BrowserContext } from '@playwright/test';

import { plantSession } from '../../test/support/next-build';

/**
 * Signs a browser context in as the login form would leave it: a session planted in the server's store (its
 * data directory) and the session cookie, as the server sets it, on the context.
 */
export async function signIn(
  context: BrowserContext,
  dataDir: string,
  options: Parameters<typeof plantSession>[1] = {},
): Promise<void> {
  const { cookie } = plantSession(dataDir, options);
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }]);
}
