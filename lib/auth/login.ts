import 'server-only';

import { auditEvent, auditRepeated } from '../audit';
import { getConfig } from '../config';
import { AppError, type ErrorView } from '../errors';
import { text } from '../i18n/text';
import { loginLinkSchema, loginSchema, reauthSchema } from '../validations/auth';
import { verifyLogin } from './credentials';
import { consumeLoginLink } from './login-links';
import {
  checkLoginGate,
  describeGate,
  describeRefusal,
  recordLoginFailure,
  recordLoginSuccess,
  withLoginSlot,
  type BlockedLoginGate,
  type LockScope,
} from './lockout';
import { createSession, destroySession, markReauthenticated, sessionRef } from './session';

export type FieldErrors = Partial<Record<string, string[]>>;

export type LoginResult =
  { ok: true; sessionId: string; expiresAt: number } | { ok: false; error: ErrorView; fieldErrors?: FieldErrors };

const WRONG_CREDENTIALS: ErrorView = {
  code: 'unauthorized',
  title: text('auth.errors.wrongCredentials.title'),
  detail: text('auth.errors.wrongCredentials.detail'),
};

function gateError(gate: BlockedLoginGate): ErrorView {
  return {
    code: 'locked',
    title: text(gate.reason === 'locked' ? 'auth.errors.locked' : 'auth.errors.paused'),
    detail: describeGate(gate),
  };
}

// Anyone who reaches the form can repeat these at will: counted, one row per window (auditRepeated).
const WRONG_PASSWORD_REASON = 'Wrong username or password';
const BAD_LINK_REASON = 'Invalid, used or expired login link';
const LINK_ACTOR = '(login link)';

const BAD_LINK: ErrorView = {
  code: 'unauthorized',
  title: text('auth.errors.badLink.title'),
  detail: text('auth.errors.badLink.detail'),
  fix: text('auth.errors.badLink.fix'),
};

function auditLocks(actor: string, username: string, lockedNow: LockScope[]): void {
  for (const scope of lockedNow) {
    auditEvent({
      actor,
      action: 'auth.locked',
      target: scope === 'global' ? 'all usernames' : username,
      outcome: 'succeeded',
    });
  }
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
    auditRepeated({ actor: username, action: 'auth.login_failed', outcome: 'refused', error: describeRefusal(gate) });
    return { ok: false, error: gateError(gate) };
  }
  if (await verifyLogin(username, parsed.data.password)) {
    recordLoginSuccess(username);
    return startSession(getConfig().auth.username, previousIdHash, 'password');
  }
  const { lockedNow } = recordLoginFailure(username);
  auditRepeated({ actor: username, action: 'auth.login_failed', outcome: 'failed', error: WRONG_PASSWORD_REASON });
  auditLocks(username, username, lockedNow);
  const after = checkLoginGate(username);
  return after.allowed
    ? { ok: false, error: WRONG_CREDENTIALS }
    : { ok: false, error: { ...WRONG_CREDENTIALS, detail: describeGate(after) } };
}

/**
 * A link logs in as the admin, so its attempts count against the admin's username (and the global
 * counter), exactly like passwords: back-off, then a lock that `npm run unlock` lifts. The gate is
 * checked before the token is looked at, so a refused attempt does not use up a good link.
 */
export function loginWithLink(input: unknown, previousIdHash?: string): Promise<LoginResult> {
  return withLoginSlot(async () => attemptLinkLogin(input, previousIdHash));
}

function attemptLinkLogin(input: unknown, previousIdHash?: string): LoginResult {
  const admin = getConfig().auth.username;
  const gate = checkLoginGate(admin);
  if (!gate.allowed) {
    auditRepeated({ actor: LINK_ACTOR, action: 'auth.login_failed', outcome: 'refused', error: describeRefusal(gate) });
    return { ok: false, error: gateError(gate) };
  }
  const parsed = loginLinkSchema.safeParse(input);
  if (parsed.success && consumeLoginLink(parsed.data.token)) {
    recordLoginSuccess(admin);
    return startSession(admin, previousIdHash, 'link');
  }
  const { lockedNow } = recordLoginFailure(admin);
  auditRepeated({ actor: LINK_ACTOR, action: 'auth.login_failed', outcome: 'failed', error: BAD_LINK_REASON });
  auditLocks(LINK_ACTOR, admin, lockedNow);
  const after = checkLoginGate(admin);
  return {
    ok: false,
    error: after.allowed
      ? BAD_LINK
      : {
          ...BAD_LINK,
          detail: text('auth.errors.badLinkGate', { detail: BAD_LINK.detail, gate: describeGate(after) }),
        },
  };
}

/** Re-entry of the password for dangerous actions; counts as a login attempt for the lockout. */
export function reauthenticate(
  session: { username: string; idHash: string },
  input: unknown,
): Promise<{ ok: true } | { ok: false; error: ErrorView; fieldErrors?: FieldErrors }> {
  return withLoginSlot(() => attemptReauthentication(session, input));
}

async function attemptReauthentication(
  session: { username: string; idHash: string },
  input: unknown,
): Promise<{ ok: true } | { ok: false; error: ErrorView; fieldErrors?: FieldErrors }> {
  const parsed = reauthSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: new AppError(
        'invalid_input',
        text('auth.errors.passwordNeeded.title'),
        text('auth.errors.passwordNeeded.detail'),
      ).toView(),
      fieldErrors: parsed.error.flatten().fieldErrors,
    };
  }
  const gate = checkLoginGate(session.username);
  if (!gate.allowed) return { ok: false, error: gateError(gate) };
  if (!(await verifyLogin(session.username, parsed.data.password))) {
    recordLoginFailure(session.username);
    auditEvent({
      actor: session.username,
      session: sessionRef(session.idHash),
      action: 'auth.login_failed',
      outcome: 'failed',
      error: 'Wrong password on re-entry',
    });
    return {
      ok: false,
      error: {
        code: 'unauthorized',
        title: text('auth.errors.wrongPassword.title'),
        detail: text('auth.errors.wrongPassword.detail'),
      },
    };
  }
  recordLoginSuccess(session.username);
  markReauthenticated(session.idHash);
  auditEvent({
    actor: session.username,
    session: sessionRef(session.idHash),
    action: 'auth.reauthenticated',
    outcome: 'succeeded',
  });
  return { ok: true };
}

export function logout(session: { username: string; idHash: string }): void {
  destroySession(session.idHash);
  auditEvent({
    actor: session.username,
    session: sessionRef(session.idHash),
    action: 'auth.logout',
    outcome: 'succeeded',
  });
}
