import { FALLBACK_LOCALE, localeOfTag, type Locale } from '../i18n/locales';
import type { MastodonValues } from './mastodon-connections';

/**
 * The alert channels, resolved from ALERT_* and Mastodon's own SMTP_* keys. The SMTP settings follow what
 * Mastodon hands to the mail gem, as read in glitch-soc/mastodon's release tags: v4.5.15 and v4.4.22
 * config/email.yml with lib/mastodon/email_configuration_helper.rb, and v4.3.17
 * config/environments/production.rb (mail 2.8.1/2.9.0, net-smtp 0.5.1 in their Gemfile.lock). They are then
 * expressed as nodemailer's options (lib/alerts/email.ts).
 */

export type SmtpAuthMethod = 'PLAIN' | 'LOGIN' | 'CRAM-MD5';

/**
 * How the connection is secured. `implicit`: TLS from the first byte (SMTP_TLS or SMTP_SSL); `always`:
 * STARTTLS or fail; `auto`: STARTTLS when the server offers it; `never`: plain text.
 */
export type SmtpSecurity = 'implicit' | 'always' | 'auto' | 'never';

export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  /** Absent: no AUTH (no SMTP_LOGIN, or SMTP_AUTH_METHOD=none). The password is a secret: never log it. */
  auth?: { method: SmtpAuthMethod; user: string; password: string };
  /** SMTP_OPENSSL_VERIFY_MODE: peer (Mastodon's default) checks the server's certificate, none does not. */
  verifyCertificate: boolean;
  /** PEM text of SMTP_CA_FILE when the dashboard can read that file; otherwise Node's CA list is used. */
  ca?: string;
  /** The EHLO name: SMTP_DOMAIN, else LOCAL_DOMAIN (Mastodon's `domain:`). */
  heloName?: string;
  from: string;
}

export interface AlertSettings {
  email?: { to: string[]; smtp: SmtpSettings };
  webhook?: { url: string; format: 'json' | 'ntfy' };
  intervalMs: number;
  afterMs: number;
  /** 0: no reminders. */
  repeatMs: number;
  /** The bound of one delivery attempt. */
  timeoutMs: number;
  /** The language of the messages: ALERT_LOCALE, else Mastodon's DEFAULT_LOCALE, else English. */
  locale: Locale;
}

export interface AlertKeys {
  emailTo?: string[];
  webhookUrl?: string;
  webhookFormat: 'json' | 'ntfy';
  intervalSeconds: number;
  afterSeconds: number;
  repeatHours: number;
  timeoutSeconds: number;
  /** ALERT_LOCALE, when set. */
  locale?: Locale;
}

export interface AlertResolution {
  alerts: AlertSettings;
  problems: { key: string; message: string }[];
  warnings: string[];
}

// What mail's OpenSSL::SSL.const_get("VERIFY_#{mode.upcase}") accepts besides none and peer only makes sense
// on a server; for a client they skip the check, which the dashboard will not do silently.
const VERIFY_MODES = new Set(['none', 'peer']);

const AUTH_METHODS: Record<string, SmtpAuthMethod> = { plain: 'PLAIN', login: 'LOGIN', cram_md5: 'CRAM-MD5' };

/**
 * Mastodon v4.5.15 (email_configuration_helper.rb): SMTP_ENABLE_STARTTLS always / never (or false, since
 * v4.5.0; v4.4.22 and v4.3.17 treat false like any unknown value) / auto decide; otherwise SMTP_TLS or
 * SMTP_SSL mean implicit TLS, else SMTP_ENABLE_STARTTLS_AUTO (default true) picks auto, `false` never. The
 * mail gem lets tls/ssl win over any STARTTLS setting.
 */
function security(values: MastodonValues, warnings: string[]): SmtpSecurity {
  if (values.SMTP_TLS === 'true' || values.SMTP_SSL === 'true') return 'implicit';
  const starttls = values.SMTP_ENABLE_STARTTLS;
  if (starttls === 'always') return 'always';
  if (starttls === 'never') return 'never';
  if (starttls === 'false') {
    warnings.push(
      'SMTP_ENABLE_STARTTLS=false: Mastodon 4.5 reads it as never (plain text), 4.3 and 4.4 as auto (STARTTLS ' +
        'when offered). The alert e-mails follow 4.5; write never or auto to make every release agree.',
    );
    return 'never';
  }
  if (starttls === 'auto') return 'auto';
  if (starttls !== undefined && starttls !== '') {
    warnings.push(
      `SMTP_ENABLE_STARTTLS is not always, never or auto, so Mastodon ignores it and so do the alert e-mails ` +
        `(SMTP_ENABLE_STARTTLS_AUTO decides).`,
    );
  }
  return values.SMTP_ENABLE_STARTTLS_AUTO === 'false' ? 'never' : 'auto';
}

function resolveSmtp(
  values: MastodonValues,
  readFile: (file: string) => string,
  problems: AlertResolution['problems'],
  warnings: string[],
): SmtpSettings | undefined {
  const startProblems = problems.length;
  const host = values.SMTP_SERVER;
  if (!host) {
    problems.push({
      key: 'ALERT_EMAIL_TO',
      message:
        "alert e-mails go through Mastodon's SMTP server, but SMTP_SERVER is not set (neither in " +
        'MASTODON_DIR/.env.production nor in the environment); set MASTODON_DIR, or SMTP_SERVER and its keys',
    });
  }
  const method = values.SMTP_DELIVERY_METHOD;
  if (method && method !== 'smtp') {
    problems.push({
      key: 'SMTP_DELIVERY_METHOD',
      message: `is ${JSON.stringify(method)}, so Mastodon does not send through SMTP; alert e-mails need smtp`,
    });
  }
  const portText = values.SMTP_PORT;
  // net-smtp 0.5.1 (Net::SMTP.new: port || SMTP.default_port) connects to 25 when SMTP_PORT is unset, even
  // with SMTP_TLS; Mastodon's .env.production.sample sets 587.
  let port = 25;
  if (portText) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) {
      problems.push({
        key: 'SMTP_PORT',
        message: `must be a port number (got "${portText}"); for example SMTP_PORT=587`,
      });
    }
  }
  const verifyMode = (values.SMTP_OPENSSL_VERIFY_MODE || 'peer').toLowerCase();
  if (!VERIFY_MODES.has(verifyMode)) {
    problems.push({
      key: 'SMTP_OPENSSL_VERIFY_MODE',
      message:
        `alert e-mails support none and peer (got "${values.SMTP_OPENSSL_VERIFY_MODE}"); for a client, other ` +
        'OpenSSL modes do not check the certificate: write none if that is meant',
    });
  }
  const authText = (values.SMTP_AUTH_METHOD || 'plain').toLowerCase();
  const authMethod = AUTH_METHODS[authText];
  if (authText !== 'none' && authMethod === undefined) {
    problems.push({
      key: 'SMTP_AUTH_METHOD',
      message: `alert e-mails support plain, login, cram_md5 and none (got "${values.SMTP_AUTH_METHOD}")`,
    });
  }
  const user = values.SMTP_LOGIN;
  const password = values.SMTP_PASSWORD;
  // The mail gem hands net-smtp 0.5.1 the auth type even without a user, and its do_start then raises
  // "SMTP-AUTH requested but missing user name" before connecting. The alert e-mails go without AUTH
  // instead, and say why Mastodon's own mail does not.
  if (!user && authMethod) {
    warnings.push(
      `SMTP_LOGIN is empty while SMTP_AUTH_METHOD is ${authText}: Mastodon's mailer (net-smtp 0.5.1) refuses to ` +
        'send ("SMTP-AUTH requested but missing user name"). Alert e-mails are sent without AUTH; for a relay ' +
        'that needs no login, set SMTP_AUTH_METHOD=none in .env.production and restart web and sidekiq.',
    );
  }
  if (user && authMethod && !password) {
    problems.push({
      key: 'SMTP_PASSWORD',
      message: 'is empty while SMTP_LOGIN is set; Mastodon cannot log in either (or set SMTP_AUTH_METHOD=none)',
    });
  }
  let ca: string | undefined;
  const caFile = values.SMTP_CA_FILE;
  if (caFile && caFile !== '/etc/ssl/certs/ca-certificates.crt') {
    try {
      ca = readFile(caFile);
    } catch {
      warnings.push(
        `SMTP_CA_FILE ${caFile} cannot be read here (a path inside Mastodon's container?); alert e-mails check ` +
          "the SMTP server's certificate against Node's CA list.",
      );
    }
  }
  if (problems.length > startProblems || !host) return undefined;
  return {
    host,
    port,
    security: security(values, warnings),
    auth: user && authMethod && password ? { method: authMethod, user, password } : undefined,
    verifyCertificate: verifyMode === 'peer',
    ca,
    heloName: values.SMTP_DOMAIN || values.LOCAL_DOMAIN || undefined,
    from: values.SMTP_FROM_ADDRESS || 'notifications@localhost',
  };
}

/** Mastodon's SMTP keys are checked only when alert e-mails are wanted: nothing else here sends mail. */
export function resolveAlertSettings(
  keys: AlertKeys,
  values: MastodonValues,
  readFile: (file: string) => string,
): AlertResolution {
  const problems: AlertResolution['problems'] = [];
  const warnings: string[] = [];
  const smtp = keys.emailTo ? resolveSmtp(values, readFile, problems, warnings) : undefined;
  return {
    alerts: {
      email: keys.emailTo && smtp ? { to: keys.emailTo, smtp } : undefined,
      webhook: keys.webhookUrl ? { url: keys.webhookUrl, format: keys.webhookFormat } : undefined,
      intervalMs: keys.intervalSeconds * 1000,
      afterMs: keys.afterSeconds * 1000,
      repeatMs: keys.repeatHours * 3_600_000,
      timeoutMs: keys.timeoutSeconds * 1000,
      locale: alertLocale(keys.locale, values.DEFAULT_LOCALE),
    },
    problems,
    warnings,
  };
}

/**
 * The alerts' language: ALERT_LOCALE when set, else the instance's DEFAULT_LOCALE (Mastodon's codes: `de`, `de-AT`,
 * `en-GB`), else English; a language the dashboard does not speak gives English.
 */
export function alertLocale(configured: Locale | undefined, mastodonDefault: string | undefined): Locale {
  return configured ?? localeOfTag(mastodonDefault) ?? FALLBACK_LOCALE;
}
