import { readdirSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FRAMEWORK_PAGES, PUBLIC_ACTIONS, PUBLIC_PAGES } from '@/lib/auth/public-entry-points';
import { appRoutes, auditRows, callAction, serverActions } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';

/**
 * No page, route handler or server action answers without a session, except the login entry points.
 * The lists come from the production build itself, so a new route is swept without editing this file.
 */
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DASHBOARD_PASSWORD: 'sweep-password-long-enough' });
});

afterAll(async () => {
  await server.stop();
});

function sourceRoutes(dir = 'app'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceRoutes(full);
    return /^(page|route)\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('route sweep without a session', () => {
  it('the build contains every page and route handler of app/', () => {
    const built = new Set(appRoutes().map((route) => route.path));
    for (const file of sourceRoutes()) {
      const urlPath =
        path
          .dirname(file)
          .replace(/^app/, '')
          .replace(/\/\([^)]+\)/g, '') || '/';
      expect(built.has(urlPath.replace(/\[\.{0,3}([^\]]+)\]/g, 'sweep-$1')), `${file} missing from the build`).toBe(
        true,
      );
    }
  });

  it('every page redirects to /login and every route handler answers 401, except the public ones', async () => {
    const routes = appRoutes().filter((route) => !FRAMEWORK_PAGES.includes(route.path));
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const route of routes) {
      const response = await rawRequest(server.port, { path: route.path });
      if (PUBLIC_PAGES.includes(route.path)) {
        expect(response.status, route.path).toBe(200);
      } else if (route.kind === 'page') {
        expect(response.status, route.path).toBe(307);
        expect(response.headers.location, route.path).toMatch(/\/login$/);
        expect(response.body, route.path).not.toMatch(/mdtest-web-1|audit_log/);
      } else {
        expect(response.status, route.path).toBe(401);
        expect(response.body, route.path).toContain('unauthorized');
      }
    }
  });

  it('route handlers refuse other methods without a session too', async () => {
    for (const route of appRoutes().filter((r) => r.kind === 'route')) {
      const response = await rawRequest(server.port, {
        method: 'POST',
        path: route.path,
        headers: { origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect([401, 405], `${route.path} POST`).toContain(response.status);
    }
  });

  it('every server action refuses to act, except login', async () => {
    const actions = serverActions();
    expect(actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(['restartContainerAction', 'logoutAction', 'createAccountAction', ...PUBLIC_ACTIONS]),
    );
    const before = auditRows(server.dataDir).filter((row) => !row.action.startsWith('auth.'));
    for (const action of actions.filter((a) => !PUBLIC_ACTIONS.includes(a.name))) {
      const response = await callAction(server.port, action.name, [{ container: 'mdtest-web-1' }]);
      const refused = response.status >= 400 || /"unauthorized"/.test(response.body);
      expect(refused, `${action.name} answered ${response.status}: ${response.body.slice(0, 200)}`).toBe(true);
    }
    const after = auditRows(server.dataDir).filter((row) => !row.action.startsWith('auth.'));
    expect(after).toEqual(before);
  });
});
