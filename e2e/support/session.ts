import type { BrowserContext } from '@playwright/test';

import { plantSession } from '../../test/support/next-build';

/** Logs a browser context in to the server whose DATA_DIR this is, with a session planted in its store. */
export async function addPlantedSession(
  context: BrowserContext,
  dataDir: string,
  options?: Parameters<typeof plantSession>[1],
): Promise<void> {
  const { cookie } = plantSession(dataDir, options);
  await context.addCookies([
    {
      name: 'mastodash_session',
      value: cookie.split('=')[1]!,
      domain: '127.0.0.1',
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
}
