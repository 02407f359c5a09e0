/**
 * The only entry points served without a session, by design: the login page, its two actions and the language
 * switch (which only sets the browser's own language cookie).
 * Every other page, route handler and server action requires a session; the route sweep test
 * (test/integration/security/route-sweep.test.ts) enumerates the build and enforces this list.
 */
export const PUBLIC_PAGES: readonly string[] = ['/login'];
export const PUBLIC_ACTIONS: readonly string[] = ['loginAction', 'loginLinkAction', 'changeLanguageAction'];
/** Next.js's own error pages, which render no data. */
export const FRAMEWORK_PAGES: readonly string[] = ['/_not-found', '/_global-error'];
