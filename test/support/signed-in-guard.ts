/**
 * Stands in for lib/auth/guard in integration tests that call actions outside a request: the guard reads Next's
 * request headers and cookies, which only exist inside one. It answers as for a freshly signed-in admin; everything
 * after it (validation, the lock, audit, the job, the programs in the containers) is real. Use it as
 * `vi.mock('@/lib/auth/guard', () => import('<path>/test/support/signed-in-guard'))`.
 */
const session = {
  username: 'admin',
  sessionRef: 's:test',
  idHash: 'test',
  authenticatedAt: Date.now(),
  recentlyAuthenticated: true,
};

export const requireActionSession = async () => session;
export const requireSession = async () => session;
export const currentSession = async () => session;
