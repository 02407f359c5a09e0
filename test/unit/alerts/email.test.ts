import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { auditDelivery, DeliveryQueue, sendTestMessage, type AlertMessage } from '@/lib/alerts';
import { alertChannels, deliverOnce } from '@/lib/alerts/channels';
import { loadConfig, type Config, type EnvSource } from '@/lib/config';
import {
  makeTestCertificate,
  startSilentServer,
  startSmtpReceiver,
  type SmtpReceiver,
  type TestCertificate,
} from '@/test/support/smtp-receiver';
import { freePort } from '@/test/support/ports';
import { waitFor } from '@/test/support/wait';

import { useTempStore } from '../audit/store';
import { auditRows, everywhere, watchOutput } from './secrets-watch';

const USER = 'mastodon@social.example';
const PASSWORD = 'smtp-S3cret-4f9q';

let certificate: TestCertificate;
let receiver: SmtpReceiver;
let temp: ReturnType<typeof useTempStore>;
let output: ReturnType<typeof watchOutput>;

beforeAll(async () => {
  certificate = makeTestCertificate();
  receiver = await startSmtpReceiver({ user: USER, password: PASSWORD, certificate });
});

afterAll(async () => {
  await receiver.close();
  certificate.cleanup();
});

beforeEach(() => {
  temp = useTempStore();
  output = watchOutput();
  receiver.messages.length = 0;
  receiver.logins.length = 0;
});

afterEach(() => {
  // Whatever a test did, the SMTP password reached no audit row and no printed line.
  expect(everywhere(temp.db, output)).not.toContain(PASSWORD);
  vi.restoreAllMocks();
  temp.cleanup();
});

/** Mastodon's .env.production as an admin writes it, pointing at the receiver; `env` wins over it. */
function configFor(port: number, env: EnvSource = {}, fileLines: string[] = []): Config {
  const file = [
    'LOCAL_DOMAIN=social.example',
    'SMTP_SERVER=127.0.0.1',
    `SMTP_PORT=${port}`,
    `SMTP_LOGIN=${USER}`,
    `SMTP_PASSWORD="${PASSWORD}"`,
    'SMTP_FROM_ADDRESS="Mastodon <notifications@social.example>"',
    `SMTP_CA_FILE=${certificate.certFile}`,
    ...fileLines,
  ].join('\n');
  return loadConfig({
    env: { MASTODON_DIR: '/srv/mastodon', ALERT_EMAIL_TO: 'admin@example.com', ALERT_TIMEOUT_SECONDS: '5', ...env },
    readFile: (path) => (path.endsWith('.env.production') ? file : certificate.cert),
  });
}

const opened: AlertMessage = {
  kind: 'opened',
  at: new Date('2026-12-04T10:02:00Z'),
  problem: {
    id: 'container.exited:web',
    severity: 'critical',
    title: 'web exited (code 1)',
    evidence: 'docker inspect: Exited (1) at 09:59:41',
    fix: 'Restart web on the Containers page',
    since: new Date('2026-12-04T09:59:41Z'),
  },
};

function send(config: Config, message: AlertMessage = opened) {
  const [channel] = alertChannels(config.alerts);
  return deliverOnce(channel!, message, { instance: config.mastodon.localDomain });
}

describe('alert e-mails through a real SMTP server', () => {
  it('arrive over STARTTLS, logged in, from Mastodon’s sender to ALERT_EMAIL_TO, with subject and body', async () => {
    const result = await send(configFor(receiver.port));
    expect(result).toMatchObject({ ok: true, channel: 'email' });
    expect(receiver.logins).toEqual([{ user: USER, method: 'PLAIN', accepted: true }]);
    expect(receiver.messages).toHaveLength(1);
    const [mail] = receiver.messages;
    expect(mail).toMatchObject({
      secure: true,
      user: USER,
      envelopeFrom: 'notifications@social.example',
      envelopeTo: ['admin@example.com'],
      from: '"Mastodon" <notifications@social.example>',
      to: 'admin@example.com',
      subject: '[Mastodash] Critical: web exited (code 1) (social.example)',
    });
    expect(mail?.text).toContain('Evidence: docker inspect: Exited (1) at 09:59:41');
    expect(mail?.text).toContain('Since 2026-12-04T09:59:41.000Z (2 min)');
    expect(mail?.text).toContain('Fix: Restart web on the Containers page');
  });

  it('log in with AUTH LOGIN when SMTP_AUTH_METHOD=login', async () => {
    expect(await send(configFor(receiver.port, { SMTP_AUTH_METHOD: 'login' }))).toMatchObject({ ok: true });
    expect(receiver.logins).toEqual([{ user: USER, method: 'LOGIN', accepted: true }]);
  });

  it('fail with reason auth_refused for a wrong password, audited without the password', async () => {
    const config = configFor(receiver.port, {}, [`SMTP_PASSWORD=not-${PASSWORD}`]);
    const result = await sendTestMessage('email', { actor: 'admin', session: 'ab12cd34' }, config);
    expect(result).toMatchObject({ ok: false, channel: 'email', reason: 'auth_refused' });
    expect(receiver.logins).toEqual([{ user: USER, method: 'PLAIN', accepted: false }]);
    expect(receiver.messages).toEqual([]);
    const [row] = auditRows(temp.db);
    expect(row).toMatchObject({
      action: 'alert.failed',
      outcome: 'failed',
      actor: 'admin',
      target: 'email ad…@example.com',
    });
    expect(JSON.parse(String(row?.params))).toEqual({
      channel: 'email',
      message: 'test',
      attempt: 1,
      reason: 'auth_refused',
    });
    expect(String(row?.error)).toMatch(/535/);
    expect(everywhere(temp.db, output)).not.toContain(`not-${PASSWORD}`);
  });

  it('fail with reason tls when the certificate is not trusted and the mode is peer (Mastodon’s default)', async () => {
    const config = configFor(receiver.port, { SMTP_CA_FILE: '/etc/ssl/certs/ca-certificates.crt' });
    expect(await send(config)).toMatchObject({ ok: false, reason: 'tls' });
    expect(receiver.messages).toEqual([]);
  });

  it('skip the certificate check with SMTP_OPENSSL_VERIFY_MODE=none, as Mastodon does', async () => {
    const config = configFor(receiver.port, {
      SMTP_CA_FILE: '/etc/ssl/certs/ca-certificates.crt',
      SMTP_OPENSSL_VERIFY_MODE: 'none',
    });
    expect(await send(config)).toMatchObject({ ok: true });
    expect(receiver.messages[0]?.secure).toBe(true);
  });

  it('fail with reason tls when SMTP_ENABLE_STARTTLS=always and the server offers no STARTTLS', async () => {
    const plain = await startSmtpReceiver({ user: USER, password: PASSWORD, certificate, withoutStartTls: true });
    try {
      expect(await send(configFor(plain.port, { SMTP_ENABLE_STARTTLS: 'always' }))).toMatchObject({
        ok: false,
        reason: 'tls',
      });
      expect(plain.messages).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('never upgrade with SMTP_ENABLE_STARTTLS=never (the receiver then refuses AUTH in plain text)', async () => {
    const result = await send(configFor(receiver.port, { SMTP_ENABLE_STARTTLS: 'never' }));
    expect(result).toMatchObject({ ok: false, reason: 'auth_refused' });
    expect(result.ok ? '' : result.detail).toMatch(/STARTTLS/);
    expect(receiver.logins).toEqual([]);
  });

  it('use TLS from the first byte with SMTP_TLS=true (a port 465 server)', async () => {
    const implicit = await startSmtpReceiver({ user: USER, password: PASSWORD, certificate, implicitTls: true });
    try {
      expect(await send(configFor(implicit.port, { SMTP_TLS: 'true' }))).toMatchObject({ ok: true });
      expect(implicit.messages.map((mail) => mail.secure)).toEqual([true]);
      // Without SMTP_TLS the client speaks plain SMTP into the TLS port, and nothing is delivered.
      expect(await send(configFor(implicit.port, { ALERT_TIMEOUT_SECONDS: '1' }))).toMatchObject({ ok: false });
      expect(implicit.messages).toHaveLength(1);
    } finally {
      await implicit.close();
    }
  });

  it('end an attempt on a server that never greets with reason timeout (ALERT_TIMEOUT_SECONDS)', async () => {
    const silent = await startSilentServer();
    try {
      const result = await send(configFor(silent.port, { ALERT_TIMEOUT_SECONDS: '1' }));
      // The server never answers: only the timeout can have ended the attempt.
      expect(silent.connections()).toBe(1);
      expect(result).toMatchObject({ ok: false, channel: 'email', reason: 'timeout' });
    } finally {
      await silent.close();
    }
  });

  it('end an attempt on a server that talks but never finishes within ALERT_TIMEOUT_SECONDS', async () => {
    const slow = await startSilentServer({ dripMs: 200 });
    try {
      const result = await send(configFor(slow.port, { ALERT_TIMEOUT_SECONDS: '1' }));
      expect(slow.connections()).toBe(1);
      expect(result).toMatchObject({ ok: false, channel: 'email', reason: 'timeout' });
      expect(result.ok ? '' : result.detail).toBe(`127.0.0.1:${slow.port} did not finish within 1 s`);
    } finally {
      await slow.close();
    }
  });

  it('fail with reason unreachable when nothing listens', async () => {
    const result = await send(configFor(await freePort()));
    expect(result).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('when SMTP is down: audit alert.failed, retry with back-off, deliver once it is up, and count it', async () => {
    const port = await freePort();
    const config = configFor(port);
    const [channel] = alertChannels(config.alerts);
    const queue = new DeliveryQueue({
      deliver: (target, message) => deliverOnce(target, message, { instance: 'social.example' }),
      record: auditDelivery,
      backoffMs: [50, 100, 200, 400, 800, 1600, 3200],
    });
    try {
      const delivered = queue.enqueue(channel!, opened);
      await waitFor('the first failed attempt', () =>
        auditRows(temp.db).some((row) => row.action === 'alert.failed') ? true : undefined,
      );
      expect(queue.stats()).toMatchObject({ pending: 1, delivered: 0, deliveredAfterRetry: 0 });

      const revived = await startSmtpReceiver({ user: USER, password: PASSWORD, certificate, port });
      try {
        expect(await delivered).toMatchObject({ ok: true, channel: 'email' });
        expect(revived.messages.map((mail) => mail.subject)).toEqual([
          '[Mastodash] Critical: web exited (code 1) (social.example)',
        ]);
      } finally {
        await revived.close();
      }

      const stats = queue.stats();
      expect(stats).toMatchObject({ pending: 0, delivered: 1, deliveredAfterRetry: 1, abandoned: 0 });
      expect(stats.failedAttempts).toBeGreaterThanOrEqual(1);

      const rows = auditRows(temp.db).map((row) => ({
        action: row.action,
        actor: row.actor,
        params: JSON.parse(String(row.params)) as Record<string, unknown>,
      }));
      expect(rows.at(-1)).toEqual({
        action: 'alert.sent',
        actor: 'alerts',
        params: { channel: 'email', message: 'opened', problem: 'container.exited:web', attempt: rows.length },
      });
      for (const [index, row] of rows.slice(0, -1).entries()) {
        expect(row).toMatchObject({
          action: 'alert.failed',
          params: { reason: 'unreachable', attempt: index + 1, retryInSeconds: expect.any(Number) },
        });
      }
    } finally {
      queue.stop();
    }
  });
});
