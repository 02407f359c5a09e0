/**
 * The only entry points served without a session, by design: the login page and its two actions.
 * Every other page, route handler and server action requires a session; the route sweep test
 * (test/integration/security/route-sweep.test.ts) enumerates the build and enforces this list.
 */
export const PUBLIC_PAGES: readonly string[] = ['/login'];
export const PUBLIC_ACTIONS: readonly string[] = ['loginAction', 'loginLinkAction'];
/** Next.js's own error pages, which render no data. */
export const FRAMEWORK_PAGES: readonly string[] = ['/_not-found', '/_global-error'];
