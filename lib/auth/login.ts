import 'server-only';

import { auditEvent } from '../audit';
import { getConfig } from '../config';
import { AppError, type ErrorView } from '../errors';
import { loginLinkSchema, loginSchema, reauthSchema } from '../validations/auth';
import { verifyLogin } from './credentials';
import { consumeLoginLink } from './login-links';
import { checkLoginGate, describeGate, recordLoginFailure, recordLoginSuccess, withLoginSlot, type BlockedLoginGate } from './lockout';
import { createSession, destroySession, markReauthenticated, sessionRef } from './session';

export type FieldErrors = Partial<Record<string, string[]>>;

export type LoginResult =
  | { ok: true; sessionId: string; expiresAt: number }
  | { ok: false; error: ErrorView; fieldErrors?: FieldErrors };

const WRONG_CREDENTIALS: ErrorView = {
  code: 'unauthorized',
  title: 'Wrong username or password',
  detail: 'Check both and try again.',
};

function gateError(gate: BlockedLoginGate): ErrorView {
  return { code: 'locked', title: gate.reason === 'locked' ? 'Login locked' : 'Login paused', detail: describeGate(gate) };
}

function startSession(username: string, previousIdHash: string | undefined, method: 'password' | 'link'): LoginResult {
  // A login always gets a fresh session id: an id planted before login is worthless afterwards.
  if (previousIdHash) destroySession(previousIdHash);
  const { id, record } = createSession(username);
  auditEvent({
    actor: username,
    session: sessionRef(record.idHash),
    action: method === 'link' ? 'auth.login_link_used' : 'auth.login',
    outcome: 'succeeded',
  });
  return { ok: true, sessionId: id, expiresAt: record.expiresAt };
}

/**
 * Attempts run one at a time: otherwise a burst of parallel guesses would all pass the gate during the
 * half second the KDF takes, before the first failure is counted.
 */
export function loginWithPassword(input: unknown, previousIdHash?: string): Promise<LoginResult> {
  return withLoginSlot(() => attemptPasswordLogin(input, previousIdHash));
}

async function attemptPasswordLogin(input: unknown, previousIdHash?: string): Promise<LoginResult> {
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid_input', title: 'Check the form', detail: 'Both fields are needed.' },
      fieldErrors: parsed.error.flatten().fieldErrors,
    };
  }
  const username = parsed.data.username.toLowerCase();
  const gate = checkLoginGate(username);
  if (!gate.allowed) {
    auditEvent({ actor: username, action: 'auth.login_failed', outcome: 'refused', error: describeGate(gate) });
    return { ok: false, error: gateError(gate) };
  }
  if (await verifyLogin(username, parsed.data.password)) {
    recordLoginSuccess(username);
    return startSession(getConfig().auth.username, previousIdHash, 'password');
  }
  const { lockedNow } = recordLoginFailure(username);
  auditEvent({ actor: username, action: 'auth.login_failed', outcome: 'failed', error: 'Wrong username or password' });
  for (const scope of lockedNow) {
    auditEvent({ actor: username, action: 'auth.locked', target: scope === 'global' ? 'all usernames' : username, outcome: 'succeeded' });
  }
  const after = checkLoginGate(username);
  return after.allowed ? { ok: false, error: WRONG_CREDENTIALS } : { ok: false, error: { ...WRONG_CREDENTIALS, detail: describeGate(after) } };
}

export function loginWithLink(input: unknown, previousIdHash?: string): LoginResult {
  const parsed = loginLinkSchema.safeParse(input);
  if (!parsed.success || !consumeLoginLink(parsed.data.token)) {
    auditEvent({ actor: '(login link)', action: 'auth.login_failed', outcome: 'failed', error: 'Invalid, used or expired login link' });
    return {
      ok: false,
      error: {
        code: 'unauthorized',
        title: 'This login link does not work',
        detail: 'It was already used, has expired, or was replaced by a newer one.',
        fix: 'Restart the dashboard for a new link, or set a password: npm run set-password.',
      },
    };
  }
  return startSession(getConfig().auth.username, previousIdHash, 'link');
}

/** Re-entry of the password for dangerous actions; counts as a login attempt for the lockout. */
export function reauthenticate(session: { username: string; idHash: string }, input: unknown): Promise<{ ok: true } | { ok: false; error: ErrorView; fieldErrors?: FieldErrors }> {
  return withLoginSlot(() => attemptReauthentication(session, input));
}

async function attemptReauthentication(session: { username: string; idHash: string }, input: unknown): Promise<{ ok: true } | { ok: false; error: ErrorView; fieldErrors?: FieldErrors }> {
  const parsed = reauthSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: new AppError('invalid_input', 'Enter your password', 'The password is needed.').toView(), fieldErrors: parsed.error.flatten().fieldErrors };
  }
  const gate = checkLoginGate(session.username);
  if (!gate.allowed) return { ok: false, error: gateError(gate) };
  if (!(await verifyLogin(session.username, parsed.data.password))) {
    recordLoginFailure(session.username);
    auditEvent({ actor: session.username, session: sessionRef(session.idHash), action: 'auth.login_failed', outcome: 'failed', error: 'Wrong password on re-entry' });
    return { ok: false, error: { code: 'unauthorized', title: 'Wrong password', detail: 'Try again.' } };
  }
  recordLoginSuccess(session.username);
  markReauthenticated(session.idHash);
  auditEvent({ actor: session.username, session: sessionRef(session.idHash), action: 'auth.reauthenticated', outcome: 'succeeded' });
  return { ok: true };
}

export function logout(session: { username: string; idHash: string }): void {
  destroySession(session.idHash);
  auditEvent({ actor: session.username, session: sessionRef(session.idHash), action: 'auth.logout', outcome: 'succeeded' });
}
