import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { credentialFingerprint, saveAdminPassword } from '@/lib/auth/credentials';
import { consumeLoginLink, createLoginLink } from '@/lib/auth/login-links';
import { createSession, readSession } from '@/lib/auth/session';

import { useAuthTestEnv, type AuthTestEnv } from './support';

const OLD_PASSWORD = 'the-old-password-123';
const NEW_PASSWORD = 'the-new-password-456';

describe('a new credential ends what the old one opened', () => {
  let env: AuthTestEnv;
  beforeEach(() => {
    env = useAuthTestEnv({ DASHBOARD_PASSWORD: OLD_PASSWORD });
  });
  afterEach(() => env.cleanup());

  it('a changed DASHBOARD_PASSWORD ends the sessions opened under the old one; new ones live', () => {
    const { id } = createSession('admin');
    expect(readSession(id)).toBeDefined();
    env.configure({ DASHBOARD_PASSWORD: NEW_PASSWORD });
    expect(readSession(id)).toBeUndefined();
    expect(env.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    const fresh = createSession('admin');
    expect(readSession(fresh.id)).toBeDefined();
  });

  it('the same password configured again keeps the session', () => {
    const { id } = createSession('admin');
    env.configure({ DASHBOARD_PASSWORD: OLD_PASSWORD });
    expect(readSession(id)).toBeDefined();
  });

  it('a rotated DASHBOARD_PASSWORD_FILE ends the sessions, an unreadable one admits none', () => {
    const file = path.join(env.dir, 'password');
    writeFileSync(file, `${OLD_PASSWORD}\n`);
    env.configure({ DASHBOARD_PASSWORD_FILE: file });
    const { id } = createSession('admin');
    writeFileSync(file, `${OLD_PASSWORD}\n`);
    expect(readSession(id)).toBeDefined();
    writeFileSync(file, `${NEW_PASSWORD}\n`);
    expect(readSession(id)).toBeUndefined();

    const second = createSession('admin');
    env.configure({ DASHBOARD_PASSWORD_FILE: path.join(env.dir, 'missing') });
    expect(readSession(second.id)).toBeUndefined();
  });

  it('set-password ends a login link printed while no password was set', async () => {
    env.configure({});
    const { token } = createLoginLink();
    await saveAdminPassword(NEW_PASSWORD);
    expect(consumeLoginLink(token)).toBe(false);
  });

  it('without a change, a printed link still works once', () => {
    env.configure({});
    const { token } = createLoginLink();
    expect(consumeLoginLink(token)).toBe(true);
  });

  it('stores a fingerprint, never the password or its plain SHA-256', () => {
    createSession('admin');
    const stored = JSON.stringify(env.db.prepare('SELECT * FROM credential_epoch').all());
    expect(stored).toContain(credentialFingerprint());
    expect(stored).not.toContain(OLD_PASSWORD);
    expect(credentialFingerprint()).not.toContain(OLD_PASSWORD);
  });
});
