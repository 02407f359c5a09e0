import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actionByName, callAction } from '../../support/next-build';
import { rawRequest, startServer, type RawResponse, type RunningServer } from '../../support/server';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DASHBOARD_PASSWORD: 'logout-password-long-enough' });
});

afterAll(async () => {
  await server.stop();
});

/** The layout's logout button before JavaScript has loaded: a plain multipart form post naming the action. */
function postLogoutForm(headers: Record<string, string>): Promise<RawResponse> {
  const action = actionByName('logoutAction');
  const boundary = '----mastodash-logout-test';
  const body =
    `--${boundary}\r\nContent-Disposition: form-data;` +
    ` name="$ACTION_ID_${action.id}"\r\n\r\n\r\n--${boundary}--\r\n`;
  return rawRequest(server.port, {
    method: 'POST',
    path: action.page,
    headers: {
      origin: `http://127.0.0.1:${server.port}`,
      'sec-fetch-site': 'same-origin',
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...headers,
    },
    body,
  });
}

const WITHOUT_SESSION: [string, Record<string, string>][] = [
  ['no cookie', {}],
  ['an unknown cookie', { cookie: 'mastodash_session=not-a-session' }],
];

describe('logout without a session', () => {
  it.each(WITHOUT_SESSION)('from the plain form, with %s, answers 303 to /login, not 500', async (_label, headers) => {
    const response = await postLogoutForm(headers);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login');
  });

  it.each(WITHOUT_SESSION)('from script, with %s, redirects to /login, not 500', async (_label, headers) => {
    const response = await callAction(server.port, 'logoutAction', [], headers);
    expect(response.status).toBe(200);
    expect(response.headers['x-action-redirect']).toMatch(/^\/login(;|$)/);
  });

  it('still refuses a foreign origin', async () => {
    const response = await callAction(server.port, 'logoutAction', [], {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(response.status).toBe(403);
  });
});
