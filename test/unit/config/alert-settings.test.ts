import { describe, expect, it } from 'vitest';

import { channelViews } from '@/lib/alerts/channels';
import { smtpTransportOptions } from '@/lib/alerts/email';
import { loadConfig, type EnvSource } from '@/lib/config';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { configProblems } from '@/test/support/config-problems';

const SMTP_FILE = [
  'LOCAL_DOMAIN=social.example',
  'SMTP_SERVER=smtp.mailgun.org',
  'SMTP_PORT=587',
  'SMTP_LOGIN=postmaster@social.example',
  "SMTP_PASSWORD='file-secret-77'",
  'SMTP_FROM_ADDRESS="Mastodon <notifications@social.example>"',
].join('\n');

function load(env: EnvSource, file = SMTP_FILE, caFile?: { path: string; text: string }) {
  return loadConfig({
    env: { MASTODON_DIR: '/srv/mastodon', ...env },
    cwd: '/srv',
    readFile: (path) => {
      if (path.endsWith('.env.production')) return file;
      if (caFile && path === caFile.path) return caFile.text;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
  });
}

function problemsOf(env: EnvSource, file?: string): string[] {
  return configProblems(() => load(env, file));
}

const WANT_MAIL = { ALERT_EMAIL_TO: 'admin@example.com, ops@example.com' };

describe('alert settings', () => {
  it('configure no channel by default, with the issue’s timings', () => {
    const { alerts } = load({});
    expect(alerts).toEqual({
      email: undefined,
      webhook: undefined,
      intervalMs: 60_000,
      afterMs: 120_000,
      repeatMs: 24 * 3_600_000,
      timeoutMs: 10_000,
      locale: 'en',
    });
  });

  it("write in Mastodon's DEFAULT_LOCALE unless ALERT_LOCALE says otherwise", () => {
    expect(load({}, `${SMTP_FILE}\nDEFAULT_LOCALE=de`).alerts.locale).toBe('de');
    expect(load({}, `${SMTP_FILE}\nDEFAULT_LOCALE=de-AT`).alerts.locale).toBe('de');
    expect(load({ DEFAULT_LOCALE: 'de' }).alerts.locale).toBe('de');
    expect(load({ ALERT_LOCALE: 'en' }, `${SMTP_FILE}\nDEFAULT_LOCALE=de`).alerts.locale).toBe('en');
    expect(load({ ALERT_LOCALE: 'de' }).alerts.locale).toBe('de');
    // A language the dashboard does not speak, or none: English.
    expect(load({}, `${SMTP_FILE}\nDEFAULT_LOCALE=fr`).alerts.locale).toBe('en');
    expect(load({}).alerts.locale).toBe('en');
    expect(problemsOf({ ALERT_LOCALE: 'fr' })).toEqual([expect.stringMatching(/^ALERT_LOCALE: .*en or de/)]);
  });

  it("take the SMTP server from Mastodon's .env.production as Mastodon does", () => {
    const { alerts, warnings } = load(WANT_MAIL);
    expect(alerts.email).toEqual({
      to: ['admin@example.com', 'ops@example.com'],
      smtp: {
        host: 'smtp.mailgun.org',
        port: 587,
        security: 'auto',
        auth: { method: 'PLAIN', user: 'postmaster@social.example', password: 'file-secret-77' },
        verifyCertificate: true,
        ca: undefined,
        heloName: 'social.example',
        from: 'Mastodon <notifications@social.example>',
      },
    });
    expect(warnings).toEqual([]);
  });

  it('let an environment variable of the same name win over the file', () => {
    const { alerts } = load({ ...WANT_MAIL, SMTP_PASSWORD: 'env-secret', SMTP_PORT: '2525' });
    expect(alerts.email?.smtp).toMatchObject({ port: 2525, auth: { password: 'env-secret' } });
  });

  it.each([
    ['nothing set: STARTTLS when offered', {}, 'auto'],
    ['SMTP_ENABLE_STARTTLS=always', { SMTP_ENABLE_STARTTLS: 'always' }, 'always'],
    ['SMTP_ENABLE_STARTTLS=never', { SMTP_ENABLE_STARTTLS: 'never' }, 'never'],
    [
      'SMTP_ENABLE_STARTTLS=auto beats SMTP_ENABLE_STARTTLS_AUTO',
      { SMTP_ENABLE_STARTTLS: 'auto', SMTP_ENABLE_STARTTLS_AUTO: 'false' },
      'auto',
    ],
    ['SMTP_ENABLE_STARTTLS_AUTO=false', { SMTP_ENABLE_STARTTLS_AUTO: 'false' }, 'never'],
    ['SMTP_TLS=true', { SMTP_TLS: 'true' }, 'implicit'],
    ['SMTP_SSL=true wins over SMTP_ENABLE_STARTTLS', { SMTP_SSL: 'true', SMTP_ENABLE_STARTTLS: 'always' }, 'implicit'],
  ])('map %s to %s', (_name, env, security) => {
    expect(load({ ...WANT_MAIL, ...env }).alerts.email?.smtp.security).toBe(security);
  });

  it('follow Mastodon 4.5 for SMTP_ENABLE_STARTTLS=false and say that 4.3 and 4.4 differ', () => {
    const { alerts, warnings } = load({ ...WANT_MAIL, SMTP_ENABLE_STARTTLS: 'false' });
    expect(alerts.email?.smtp.security).toBe('never');
    expect(warnings.join('\n')).toMatch(/SMTP_ENABLE_STARTTLS=false.*4\.3 and 4\.4 as auto/s);
  });

  it('use Mastodon’s defaults: port 25 (net-smtp), plain auth, certificate checked, notifications@localhost', () => {
    const file = ['SMTP_SERVER=mail.internal', 'SMTP_LOGIN=u', 'SMTP_PASSWORD=p'].join('\n');
    expect(load(WANT_MAIL, file).alerts.email?.smtp).toEqual({
      host: 'mail.internal',
      port: 25,
      security: 'auto',
      auth: { method: 'PLAIN', user: 'u', password: 'p' },
      verifyCertificate: true,
      ca: undefined,
      heloName: undefined,
      from: 'notifications@localhost',
    });
  });

  it('read SMTP_AUTH_METHOD, SMTP_OPENSSL_VERIFY_MODE and SMTP_DOMAIN', () => {
    const smtp = load({
      ...WANT_MAIL,
      SMTP_AUTH_METHOD: 'login',
      SMTP_OPENSSL_VERIFY_MODE: 'none',
      SMTP_DOMAIN: 'mail.social.example',
    }).alerts.email?.smtp;
    expect(smtp).toMatchObject({
      auth: { method: 'LOGIN' },
      verifyCertificate: false,
      heloName: 'mail.social.example',
    });
    expect(load({ ...WANT_MAIL, SMTP_AUTH_METHOD: 'cram_md5' }).alerts.email?.smtp.auth?.method).toBe('CRAM-MD5');
    expect(load({ ...WANT_MAIL, SMTP_AUTH_METHOD: 'none' }).alerts.email?.smtp.auth).toBeUndefined();
    expect(load(WANT_MAIL, 'SMTP_SERVER=relay\nSMTP_AUTH_METHOD=none').alerts.email?.smtp.auth).toBeUndefined();
  });

  it('send without AUTH when SMTP_LOGIN is empty, and say that Mastodon itself cannot send so', () => {
    const relay = load(WANT_MAIL, 'SMTP_SERVER=relay');
    expect(relay.alerts.email?.smtp.auth).toBeUndefined();
    expect(relay.warnings).toEqual([
      expect.stringMatching(/^SMTP_LOGIN is empty while SMTP_AUTH_METHOD is plain: .*SMTP_AUTH_METHOD=none/),
    ]);
    expect(load(WANT_MAIL, 'SMTP_SERVER=relay\nSMTP_AUTH_METHOD=none').warnings).toEqual([]);
  });

  it('use SMTP_CA_FILE when the dashboard can read it, and say so when it cannot', () => {
    const readable = load({ ...WANT_MAIL, SMTP_CA_FILE: '/certs/ca.pem' }, SMTP_FILE, {
      path: '/certs/ca.pem',
      text: '-----BEGIN CERTIFICATE-----',
    });
    expect(readable.alerts.email?.smtp.ca).toBe('-----BEGIN CERTIFICATE-----');
    const unreadable = load({ ...WANT_MAIL, SMTP_CA_FILE: '/opt/mastodon/ca.pem' });
    expect(unreadable.alerts.email?.smtp.ca).toBeUndefined();
    expect(unreadable.warnings.join('\n')).toContain('SMTP_CA_FILE /opt/mastodon/ca.pem cannot be read here');
  });

  it('check SMTP keys only when alert e-mails are wanted', () => {
    expect(problemsOf({ SMTP_PORT: 'abc', SMTP_AUTH_METHOD: 'xoauth2' })).toEqual([]);
  });

  it('stop the start when alert e-mails cannot work, naming the key', () => {
    expect(problemsOf(WANT_MAIL, 'LOCAL_DOMAIN=social.example')).toEqual([
      expect.stringMatching(/^ALERT_EMAIL_TO: .*SMTP_SERVER is not set/),
    ]);
    expect(problemsOf({ ...WANT_MAIL, SMTP_OPENSSL_VERIFY_MODE: 'client_once' })).toEqual([
      expect.stringMatching(/^SMTP_OPENSSL_VERIFY_MODE: alert e-mails support none and peer/),
    ]);
    expect(problemsOf({ ...WANT_MAIL, SMTP_AUTH_METHOD: 'xoauth2' })).toEqual([
      expect.stringMatching(/^SMTP_AUTH_METHOD: alert e-mails support plain, login, cram_md5 and none/),
    ]);
    expect(problemsOf({ ...WANT_MAIL, SMTP_DELIVERY_METHOD: 'sendmail' })).toEqual([
      expect.stringMatching(/^SMTP_DELIVERY_METHOD: is "sendmail", so Mastodon does not send through SMTP/),
    ]);
    expect(problemsOf({ ...WANT_MAIL, SMTP_PORT: '58x' })).toEqual([
      expect.stringMatching(/^SMTP_PORT: must be a port/),
    ]);
    expect(problemsOf({ ...WANT_MAIL, SMTP_PASSWORD: '' }, 'SMTP_SERVER=relay\nSMTP_LOGIN=u')).toEqual([
      expect.stringMatching(/^SMTP_PASSWORD: is empty while SMTP_LOGIN is set/),
    ]);
  });

  it('refuse bad alert keys with a clear message, hiding the webhook URL', () => {
    expect(problemsOf({ ALERT_WEBHOOK_FORMAT: 'slack' })).toEqual([
      'ALERT_WEBHOOK_FORMAT: must be json or ntfy (got "slack"); for example ALERT_WEBHOOK_FORMAT=ntfy',
    ]);
    expect(problemsOf({ ALERT_INTERVAL_SECONDS: '5' })).toEqual([
      'ALERT_INTERVAL_SECONDS: must be at least 10 (got "5"); for example ALERT_INTERVAL_SECONDS=60',
    ]);
    expect(problemsOf({ ALERT_EMAIL_TO: 'admin' })).toEqual([
      expect.stringMatching(/^ALERT_EMAIL_TO: must be e-mail addresses separated by commas/),
    ]);
    const [webhook] = problemsOf({ ALERT_WEBHOOK_URL: 'ftp://tk_secret@ntfy.example/topic' });
    expect(webhook).toMatch(/^ALERT_WEBHOOK_URL: must be an http:\/\/ or https:\/\/ URL \(value hidden\)/);
    expect(webhook).not.toContain('tk_secret');
  });

  it('map onto nodemailer: implicit TLS, STARTTLS required or ignored, the certificate check, AUTH', () => {
    const smtp = load({ ...WANT_MAIL, SMTP_AUTH_METHOD: 'login' }).alerts.email!.smtp;
    expect(smtpTransportOptions(smtp, 7000)).toMatchObject({
      host: 'smtp.mailgun.org',
      port: 587,
      secure: false,
      requireTLS: false,
      ignoreTLS: false,
      auth: { user: 'postmaster@social.example', pass: 'file-secret-77' },
      authMethod: 'LOGIN',
      name: 'social.example',
      tls: { rejectUnauthorized: true, servername: 'smtp.mailgun.org' },
      connectionTimeout: 7000,
      greetingTimeout: 7000,
      socketTimeout: 7000,
      logger: false,
    });
    expect(smtpTransportOptions({ ...smtp, security: 'implicit' }, 1)).toMatchObject({ secure: true });
    expect(smtpTransportOptions({ ...smtp, security: 'always' }, 1)).toMatchObject({ requireTLS: true });
    expect(smtpTransportOptions({ ...smtp, security: 'never' }, 1)).toMatchObject({ ignoreTLS: true });
    expect(smtpTransportOptions({ ...smtp, verifyCertificate: false }, 1).tls).toMatchObject({
      rejectUnauthorized: false,
    });
  });

  it('show the channels with the SMTP password and the webhook path hidden', () => {
    const { alerts } = load({
      ...WANT_MAIL,
      ALERT_WEBHOOK_URL: 'https://bot:hunter2@ntfy.example.net/tk_topic-secret?auth=abc',
      ALERT_WEBHOOK_FORMAT: 'ntfy',
    });
    const views = channelViews(alerts);
    const shown = JSON.stringify(views);
    for (const secret of ['file-secret-77', 'hunter2', 'tk_topic-secret', 'auth=abc', 'bot']) {
      expect(shown).not.toContain(secret);
    }
    const facts = (index: number, render = inEnglish) =>
      views[index]?.facts.map((fact) => ({ label: render(fact.label), value: render(fact.value) }));
    expect(views.map((view) => inEnglish(view.label))).toEqual(['E-mail', 'Webhook (ntfy)']);
    expect(facts(0)).toContainEqual({ label: 'SMTP server', value: 'smtp.mailgun.org:587' });
    expect(facts(0)).toContainEqual({ label: 'Login', value: 'postmaster@social.example (PLAIN, password set)' });
    expect(facts(1)).toContainEqual({ label: 'URL', value: 'https://•••@ntfy.example.net/•••?auth=•••' });
    const german = (message: Parameters<typeof inEnglish>[0]) => renderText(translatorFor('de'), message);
    expect(facts(0, german)).toContainEqual({
      label: 'Anmeldung',
      value: 'postmaster@social.example (PLAIN, Passwort gesetzt)',
    });
    expect(facts(0, german)).toContainEqual({
      label: 'Verschlüsselung',
      value: 'STARTTLS, wenn der Server es anbietet',
    });
  });
});
